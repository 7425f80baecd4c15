// bench_echo: the transport floor of the heregoes benchmark. A raw Beast WebSocket server that
// echoes every frame, built with the engine server's (engine/server/ws_session.cpp) transport
// choices: one io_context per network thread, each run by one thread (concurrency hint 1), a
// strand per connection, HTTP upgrade at GET /ws, TCP_NODELAY, no permessage-deflate, a handshake
// timeout but no Beast idle timeout or pings, a 4096-byte message limit, no auto-fragmenting.
// Whatever the engine costs per turn above this server's cost per echo is the engine's own cost.

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include <charconv>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string_view>
#include <thread>
#include <vector>

namespace {

namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace websocket = boost::beast::websocket;
namespace net = boost::asio;
using tcp = boost::asio::ip::tcp;

// Largest frame accepted: the engine's default max_frame_bytes (a chat line is short).
constexpr std::size_t max_frame_bytes = 4096;

// Time allowed for the HTTP upgrade request and the handshake: the engine's default
// handshake_timeout_ms.
constexpr auto upgrade_timeout = std::chrono::milliseconds(10000);

// Most network threads accepted by --threads: beyond the core count they only add switching.
constexpr unsigned max_threads = 64;

// Pending connections the kernel may queue; matches the usual somaxconn so a connect storm of
// 200 in flight never overflows the accept queue.
constexpr int listen_backlog = 4096;

// One echo connection: upgrade, then read a frame and write the same bytes back, forever.
class echo_session : public std::enable_shared_from_this<echo_session> {
public:
    explicit echo_session(tcp::socket&& socket)
        : ws_(std::move(socket)) {}

    // Reads the upgrade request; the session keeps itself alive through its handlers.
    void run() {
        beast::get_lowest_layer(ws_).expires_after(upgrade_timeout);
        http::async_read(ws_.next_layer(),
                         buffer_,
                         request_,
                         beast::bind_front_handler(&echo_session::on_request, shared_from_this()));
    }

private:
    void on_request(beast::error_code ec, std::size_t) {
        if (ec || !websocket::is_upgrade(request_) || request_.target() != "/ws") {
            return; // not ours: drop the connection
        }
        beast::get_lowest_layer(ws_).expires_never();
        websocket::stream_base::timeout timeout;
        timeout.handshake_timeout = upgrade_timeout;
        timeout.idle_timeout = websocket::stream_base::none();
        timeout.keep_alive_pings = false;
        ws_.set_option(timeout);
        ws_.read_message_max(max_frame_bytes);
        ws_.auto_fragment(false);
        ws_.async_accept(request_,
                         beast::bind_front_handler(&echo_session::on_accept, shared_from_this()));
    }

    void on_accept(beast::error_code ec) {
        if (ec) {
            return;
        }
        buffer_.consume(buffer_.size());
        do_read();
    }

    void do_read() {
        ws_.async_read(buffer_,
                       beast::bind_front_handler(&echo_session::on_read, shared_from_this()));
    }

    void on_read(beast::error_code ec, std::size_t) {
        if (ec) {
            return; // closed, reset or timed out: the session ends with its last handler
        }
        ws_.text(ws_.got_text());
        ws_.async_write(buffer_.data(),
                        beast::bind_front_handler(&echo_session::on_write, shared_from_this()));
    }

    void on_write(beast::error_code ec, std::size_t) {
        if (ec) {
            return;
        }
        buffer_.consume(buffer_.size());
        do_read();
    }

    websocket::stream<beast::tcp_stream> ws_;
    beast::flat_buffer buffer_;
    http::request<http::string_body> request_;
};

// Accepts connections forever and starts an echo session for each, handing connections to the
// network threads' io_contexts in turn.
class listener : public std::enable_shared_from_this<listener> {
public:
    listener(std::vector<std::unique_ptr<net::io_context>>& contexts, tcp::acceptor& acceptor)
        : contexts_(contexts)
        , acceptor_(acceptor) {}

    void do_accept() {
        auto& ioc = *contexts_[next_++ % contexts_.size()];
        acceptor_.async_accept(net::make_strand(ioc),
                               beast::bind_front_handler(&listener::on_accept, shared_from_this()));
    }

private:
    void on_accept(beast::error_code ec, tcp::socket socket) {
        if (!ec) {
            socket.set_option(tcp::no_delay(true), ec);
            std::make_shared<echo_session>(std::move(socket))->run();
        }
        if (acceptor_.is_open()) {
            do_accept();
        }
    }

    std::vector<std::unique_ptr<net::io_context>>& contexts_;
    tcp::acceptor& acceptor_;
    std::size_t next_ = 0;
};

} // namespace

int main(int argc, char** argv) {
    unsigned short port = 0;
    unsigned threads = 1;
    std::string_view host = "127.0.0.1";
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string_view name = argv[i];
        const std::string_view value = argv[i + 1];
        if (name == "--port") {
            auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), port);
            if (ec != std::errc{} || ptr != value.data() + value.size()) {
                std::cerr << "bench_echo: --port: invalid value '" << value << "'\n";
                return 2;
            }
        } else if (name == "--threads") {
            auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), threads);
            if (ec != std::errc{} || ptr != value.data() + value.size() || threads == 0 ||
                threads > max_threads) {
                std::cerr << "bench_echo: --threads: invalid value '" << value << "'\n";
                return 2;
            }
        } else if (name == "--host") {
            host = value;
        } else {
            std::cerr << "bench_echo: unknown option " << name
                      << "\nusage: bench_echo [--host ADDR] [--port N] [--threads N]\n";
            return 2;
        }
    }
    // One io_context per network thread, each run by that thread alone (concurrency hint 1).
    std::vector<std::unique_ptr<net::io_context>> contexts;
    for (unsigned i = 0; i < threads; ++i) {
        contexts.push_back(std::make_unique<net::io_context>(1));
    }
    auto& ioc = *contexts.front();
    // Keeps the other contexts running while they have no connection yet.
    std::vector<net::executor_work_guard<net::io_context::executor_type>> keep_running;
    for (auto& c : contexts) {
        keep_running.push_back(net::make_work_guard(*c));
    }
    beast::error_code ec;
    const auto address = net::ip::make_address(std::string(host), ec);
    if (ec) {
        std::cerr << "bench_echo: --host: " << ec.message() << "\n";
        return 2;
    }
    tcp::acceptor acceptor(ioc);
    const tcp::endpoint endpoint(address, port);
    acceptor.open(endpoint.protocol(), ec);
    if (!ec) {
        acceptor.set_option(net::socket_base::reuse_address(true), ec);
    }
    if (!ec) {
        acceptor.bind(endpoint, ec);
    }
    if (!ec) {
        acceptor.listen(listen_backlog, ec);
    }
    if (ec) {
        std::cerr << "bench_echo: cannot listen on " << endpoint << ": " << ec.message() << "\n";
        return 2;
    }
    std::cout << "bench_echo listening on " << acceptor.local_endpoint().port() << std::endl;
    std::make_shared<listener>(contexts, acceptor)->do_accept();
    net::signal_set signals(ioc, SIGINT, SIGTERM);
    signals.async_wait([&](beast::error_code, int) {
        acceptor.close();
        for (auto& c : contexts) {
            c->stop();
        }
    });
    std::vector<std::thread> others;
    for (std::size_t i = 1; i < contexts.size(); ++i) {
        others.emplace_back([&c = *contexts[i]] { c.run(); });
    }
    ioc.run();
    for (auto& t : others) {
        t.join();
    }
    return 0;
}
