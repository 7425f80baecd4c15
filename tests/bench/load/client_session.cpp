// The client session's asynchronous steps, in do/on pairs. Every completion is reported to the
// driver, which decides what the session does next; the session only knows how to move one turn.

#include "tests/bench/load/client_session.hpp"

#include "tests/bench/load/load_driver.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/beast/core/buffers_to_string.hpp>

#include <string_view>

namespace heregoes::bench {
namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;
using tcp = boost::asio::ip::tcp;

namespace {

// Largest frame the generator accepts from a server; real turns are a few KB at most, and a
// server that sends more than this is misbehaving, which should show up as an error.
constexpr std::size_t max_frame_bytes = 64 * 1024;

} // namespace

client_session::client_session(boost::asio::io_context& ioc, load_driver& driver, std::size_t index)
    : driver_(driver)
    , index_(index)
    , ws_(ioc) {
}

void client_session::open(const tcp::endpoint& endpoint,
                          const loadgen_options& options,
                          const std::string& start_frame) {
    protocol_ = options.protocol;
    first_bot_wanted_ = options.mode == run_mode::connect;
    host_ = options.host;
    target_ = options.target;
    pending_frame_ = &start_frame;
    opened_at_ = bench_clock::now();
    ws_.next_layer().async_connect(endpoint, [this](beast::error_code ec) { on_connect(ec); });
}

void client_session::on_connect(beast::error_code ec) {
    if (aborted_) {
        return;
    }
    if (ec) {
        driver_.on_failed(*this, ec, "connect");
        return;
    }
    ws_.next_layer().set_option(tcp::no_delay(true), ec);
    ws_.read_message_max(max_frame_bytes);
    ws_.auto_fragment(false);
    ws_.async_handshake(host_, target_, [this](beast::error_code hec) { on_handshake(hec); });
}

void client_session::on_handshake(beast::error_code ec) {
    if (aborted_) {
        return;
    }
    if (ec) {
        driver_.on_failed(*this, ec, "handshake");
        return;
    }
    // The start frame is the session's first turn, timed from when the connect began.
    send_turn(*pending_frame_, opened_at_);
}

void client_session::send_turn(const std::string& frame, bench_clock::time_point intended) {
    intended_at_ = intended;
    sent_at_ = bench_clock::now();
    frames_ = 0;
    ws_.text(true);
    ws_.async_write(boost::asio::buffer(frame),
                    [this](beast::error_code ec, std::size_t) { on_write(ec); });
}

void client_session::on_write(beast::error_code ec) {
    if (aborted_) {
        return;
    }
    if (ec) {
        driver_.on_failed(*this, ec, "write");
        return;
    }
    read_next();
}

void client_session::read_next() {
    ws_.async_read(buffer_, [this](beast::error_code ec, std::size_t) { on_read(ec); });
}

void client_session::on_read(beast::error_code ec) {
    if (aborted_) {
        return;
    }
    if (ec) {
        driver_.on_failed(*this, ec, "read");
        return;
    }
    ++frames_;
    const auto data = buffer_.cdata();
    const std::string_view frame(static_cast<const char*>(data.data()), data.size());
    bool error = false;
    bool done = true;
    if (protocol_ == protocol_kind::v1) {
        error = frame.find(R"("type":"error")") != std::string_view::npos;
        if (first_bot_wanted_ && !error) {
            done = frame.find(R"("type":"bot")") != std::string_view::npos;
        } else if (!error) {
            done = frame.find(R"("await":true)") != std::string_view::npos;
        }
    }
    if (error) {
        driver_.note_error_frame(*this, frame);
    }
    buffer_.consume(buffer_.size());
    if (!done) {
        read_next();
        return;
    }
    if (first_bot_wanted_) {
        driver_.on_first_bot(*this, error);
    } else {
        driver_.on_turn_done(*this, error);
    }
}

void client_session::abort() {
    aborted_ = true;
    beast::error_code ec;
    auto& socket = ws_.next_layer();
    if (socket.is_open()) {
        socket.set_option(boost::asio::socket_base::linger(true, 0), ec);
        socket.close(ec);
    }
}

} // namespace heregoes::bench
