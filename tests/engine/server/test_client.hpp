#pragma once

// A small synchronous client for the server tests: a Beast WebSocket client that speaks protocol
// v1 over loopback, a plain HTTP GET, and a raw socket for misbehaving on purpose. Reads time
// out (SO_RCVTIMEO), so a server that fails to answer fails the test instead of hanging it.

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <sys/socket.h>
#include <sys/time.h>

namespace heregoes::server::testing {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using json = nlohmann::json;

// Long enough for a loaded CI machine under ASan; a correct server answers in milliseconds.
inline constexpr int read_timeout_seconds = 10;

inline void set_read_timeout(net::ip::tcp::socket& socket, int seconds) {
    timeval tv{seconds, 0};
    ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
}

struct http_result {
    unsigned status = 0;
    std::map<std::string, std::string> headers;
    std::string body;
};

inline http_result http_get(std::uint16_t port,
                            const std::string& target,
                            const std::map<std::string, std::string>& headers = {},
                            http::verb verb = http::verb::get) {
    net::io_context ioc;
    net::ip::tcp::socket socket(ioc);
    socket.connect({net::ip::make_address("127.0.0.1"), port});
    set_read_timeout(socket, read_timeout_seconds);
    http::request<http::empty_body> req{verb, target, 11};
    req.set(http::field::host, "127.0.0.1:" + std::to_string(port));
    for (const auto& [k, v] : headers) {
        req.set(k, v);
    }
    http::write(socket, req);
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.skip(verb == http::verb::head);
    http::read(socket, buffer, parser);
    http_result result;
    result.status = parser.get().result_int();
    for (const auto& f : parser.get()) {
        result.headers[std::string(f.name_string())] = std::string(f.value());
    }
    result.body = parser.get().body();
    return result;
}

class ws_client {
public:
    // Connects and completes the handshake; throws beast::system_error when refused. A non-empty
    // `from` is the loopback address the connection comes from (any of 127.0.0.0/8).
    explicit ws_client(std::uint16_t port,
                       std::optional<std::string> origin = std::nullopt,
                       std::map<std::string, std::string> headers = {},
                       const std::string& from = {})
        : ws_(ioc_) {
        auto& socket = ws_.next_layer();
        if (!from.empty()) {
            socket.open(net::ip::tcp::v4());
            socket.bind({net::ip::make_address(from), 0});
        }
        socket.connect({net::ip::make_address("127.0.0.1"), port});
        set_read_timeout(socket, read_timeout_seconds);
        ws_.set_option(
            websocket::stream_base::decorator([origin, headers](websocket::request_type& req) {
                if (origin) {
                    req.set(http::field::origin, *origin);
                }
                for (const auto& [k, v] : headers) {
                    req.set(k, v);
                }
            }));
        ws_.handshake("127.0.0.1:" + std::to_string(port), "/ws");
    }

    void send(const std::string& text) {
        ws_.text(true);
        ws_.write(net::buffer(text));
    }
    void send(const json& j) { send(j.dump()); }
    // Sends one text message as `pieces` WebSocket frames (a fragmented message).
    void send_fragmented(const std::string& text, std::size_t pieces) {
        ws_.text(true);
        const std::size_t step = (text.size() + pieces - 1) / pieces;
        for (std::size_t at = 0; at < text.size(); at += step) {
            const std::size_t n = std::min(step, text.size() - at);
            ws_.write_some(at + n == text.size(), net::buffer(text.data() + at, n));
        }
    }
    void send_binary(const std::string& bytes) {
        ws_.binary(true);
        ws_.write(net::buffer(bytes));
        ws_.text(true);
    }

    // Reads one frame; nullopt when the connection closed (see close_code()) or nothing arrived
    // within read_timeout_seconds.
    std::optional<json> read() {
        auto text = read_text();
        if (!text) {
            return std::nullopt;
        }
        return json::parse(*text);
    }

    // Reads one frame as the exact text the server sent; nullopt as for read().
    std::optional<std::string> read_text() {
        beast::flat_buffer buffer;
        beast::error_code ec;
        bool done = false;
        ws_.async_read(buffer, [&](beast::error_code e, std::size_t) {
            ec = e;
            done = true;
        });
        ioc_.restart();
        ioc_.run_for(std::chrono::seconds(read_timeout_seconds));
        if (!done) {
            ADD_FAILURE() << "no frame within " << read_timeout_seconds << " s";
            beast::error_code ignored;
            ws_.next_layer().close(ignored);
            ioc_.restart();
            ioc_.run();
        }
        if (ec) {
            last_error_ = ec;
            return std::nullopt;
        }
        return beast::buffers_to_string(buffer.data());
    }

    // Reads frames up to and including the next one that ends a turn (a bot frame with await,
    // an error, or forgotten).
    std::vector<json> read_turn() {
        std::vector<json> frames;
        while (auto f = read()) {
            frames.push_back(*f);
            const auto& type = (*f)["type"];
            if (type == "error" || type == "forgotten" ||
                (type == "bot" && (*f)["await"] == true)) {
                break;
            }
        }
        return frames;
    }

    // Starts a session; returns its frames (session first).
    // Reads exactly `n` frames (fewer when the connection closes).
    std::vector<json> read_n(std::size_t n) {
        std::vector<json> frames;
        while (frames.size() < n) {
            auto f = read();
            if (!f) {
                break;
            }
            frames.push_back(*f);
        }
        return frames;
    }

    std::vector<json> start(const std::string& dialog = "chat-test") {
        send(json{{"type", "start"}, {"dialog", dialog}, {"locale", "en"}});
        return read_turn();
    }

    std::vector<json> choose(const std::string& id) {
        send(json{{"type", "choice"}, {"id", id}});
        return read_turn();
    }

    std::vector<json> say(const std::string& text) {
        send(json{{"type", "text"}, {"text", text}});
        return read_turn();
    }

    // The close code the server sent, once read() returned nullopt.
    websocket::close_code close_code() const {
        return static_cast<websocket::close_code>(ws_.reason().code);
    }
    beast::error_code last_error() const { return last_error_; }
    bool is_open() const { return ws_.is_open(); }
    // The client's end of the connection.
    net::ip::tcp::endpoint local_endpoint() { return ws_.next_layer().local_endpoint(); }

    void close() {
        beast::error_code ec;
        ws_.close(websocket::close_code::normal, ec);
    }

private:
    net::io_context ioc_;
    websocket::stream<net::ip::tcp::socket> ws_;
    beast::error_code last_error_;
};

// The first error code among frames, or "" when there is none.
inline std::string error_code_of(const std::vector<json>& frames) {
    for (const auto& f : frames) {
        if (f["type"] == "error") {
            return f["code"];
        }
    }
    return "";
}

// The frames of type "bot" among `frames`, in the order they came.
inline std::vector<json> bots_of(const std::vector<json>& frames) {
    std::vector<json> out;
    for (const auto& f : frames) {
        if (f["type"] == "bot") {
            out.push_back(f);
        }
    }
    return out;
}

} // namespace heregoes::server::testing
