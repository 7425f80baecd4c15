#pragma once

// One simulated person: a Beast WebSocket client on a plain TCP socket (no per-operation timers,
// so the generator spends its core on the protocol, not on bookkeeping). It connects, upgrades,
// sends the start frame and then sends one turn at a time when its driver asks; it reports back
// when the turn's last frame arrived. It never parses JSON: a v1 turn ends at the frame holding
// "await":true, and a frame holding "type":"error" counts as an error and ends the turn.

#include "tests/bench/load/loadgen_options.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket/stream.hpp>

#include <chrono>
#include <string>

namespace heregoes::bench {

class load_driver;

using bench_clock = std::chrono::steady_clock;

class client_session {
public:
    client_session(boost::asio::io_context& ioc, load_driver& driver, std::size_t index);

    // Connects, upgrades and sends `start_frame` as the first turn; the driver hears on_turn_done
    // (or on_first_bot in connect mode, or on_failed).
    void open(const boost::asio::ip::tcp::endpoint& endpoint,
              const loadgen_options& options,
              const std::string& start_frame);

    // Sends one turn (the frame must outlive the turn) timed from `intended`.
    void send_turn(const std::string& frame, bench_clock::time_point intended);

    // Drops the connection at once with a TCP reset, so no TIME_WAIT piles up on either side.
    void abort();

    std::size_t index() const { return index_; }
    std::size_t step() const { return step_; }
    void set_step(std::size_t step) { step_ = step; }
    bench_clock::time_point opened_at() const { return opened_at_; }
    bench_clock::time_point sent_at() const { return sent_at_; }
    bench_clock::time_point intended_at() const { return intended_at_; }
    std::size_t frames_in_turn() const { return frames_; }

private:
    void on_connect(boost::beast::error_code ec);
    void on_handshake(boost::beast::error_code ec);
    void on_write(boost::beast::error_code ec);
    void read_next();
    void on_read(boost::beast::error_code ec);

    load_driver& driver_;
    std::size_t index_;
    bool aborted_ = false; // set by abort(): later completions are the cancellation, not news
    protocol_kind protocol_ = protocol_kind::v1;
    bool first_bot_wanted_ = false; // connect mode: report the first bot message and stop
    boost::beast::websocket::stream<boost::asio::ip::tcp::socket> ws_;
    boost::beast::flat_buffer buffer_;
    const std::string* pending_frame_ = nullptr;
    std::string host_;
    std::string target_;
    std::size_t step_ = 0;   // position in the walk's cycle of the next turn to send
    std::size_t frames_ = 0; // frames received in the current turn
    bench_clock::time_point opened_at_{};
    bench_clock::time_point sent_at_{};
    bench_clock::time_point intended_at_{};
};

} // namespace heregoes::bench
