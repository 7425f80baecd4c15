#pragma once

// Runs one measurement (one mode, one server) on a single-threaded io_context and returns its
// result as one JSON object. It opens sessions with a bounded number of connects in flight, then
// applies the mode's load: closed loop (every session sends its next turn as soon as the last one
// ended), open loop (turns are due at fixed intended times; a due turn waits for a free session and
// its latency counts from the intended time, so a stalled server cannot hide its stall), idle hold,
// or connect churn. Server CPU and memory come from /proc around the measured window. In open loop
// it can also cut the measured window into a latency series (latency_windows), and in any mode
// append a progress line every second (progress_file) for run.sh's stall detector.

#include "tests/bench/load/client_session.hpp"
#include "tests/bench/load/latency_samples.hpp"
#include "tests/bench/load/latency_windows.hpp"
#include "tests/bench/load/loadgen_options.hpp"
#include "tests/bench/load/progress_file.hpp"
#include "tests/bench/load/walk.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <nlohmann/json.hpp>

#include <deque>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

namespace heregoes::bench {

class load_driver {
public:
    // `progress` (may be null) receives one line a second while the run lasts.
    load_driver(boost::asio::io_context& ioc,
                const loadgen_options& options,
                const walk& w,
                progress_file* progress);

    // Runs the configured mode to the end and returns the result line.
    nlohmann::json run();

    // A session's turn ended (the start turn included); `error` when an error frame ended it.
    void on_turn_done(client_session& s, bool error);
    // Connect mode: the session received its first bot message.
    void on_first_bot(client_session& s, bool error);
    // A session failed to connect, upgrade, write or read; it takes no further part.
    void on_failed(client_session& s, boost::beast::error_code ec, const char* what);
    // A server error frame arrived; counted, and the first one is kept for the report.
    void note_error_frame(client_session& s, std::string_view frame);

private:
    enum class phase { opening, warmup, measuring, draining, holding, done };

    std::size_t target_sessions() const;
    void launch_more();
    void session_opened(client_session& s);
    void all_opened();
    void start_window();
    void end_window();
    void finish();
    void send_next(client_session& s, bench_clock::time_point intended);
    void schedule_tick();
    void on_tick();
    void after_turn(client_session& s);
    void record_error(std::string text);
    std::int64_t series_ns(bench_clock::time_point t) const;
    std::size_t outstanding() const;
    std::optional<bench_clock::time_point> oldest_outstanding_due() const;
    void schedule_window_end();
    void on_window_end();
    void schedule_progress();
    void write_progress();

    boost::asio::io_context& ioc_;
    const loadgen_options& options_;
    const walk& walk_;
    boost::asio::ip::tcp::endpoint endpoint_;
    std::vector<std::unique_ptr<client_session>> sessions_;
    std::vector<char> greeted_; // per session: its start turn has ended
    std::vector<char> ready_;   // per session: greeted and positioned, taking part in the load
    // Per session: turns still to walk before it is ready. Session i starts the measured load at
    // step i of the walk's cycle, so at any moment the sessions are spread over the whole walk and
    // the mix of turns (and frames per turn) is the cycle's average, whatever the session count.
    std::vector<std::uint32_t> prewalk_left_;
    std::vector<char> alive_; // per session: connected and not failed
    std::vector<char> busy_;  // per session: ready and a turn of the load in flight
    phase phase_ = phase::opening;

    std::size_t next_to_open_ = 0; // sessions created so far
    std::size_t opening_ = 0;      // connects/handshakes/start turns in progress
    std::size_t opened_ = 0;       // sessions whose start turn ended (connect: first bot seen)
    std::size_t failed_ = 0;
    std::size_t error_frames_ = 0;
    std::string first_error_;
    std::size_t in_flight_ = 0; // turns sent and not yet ended
    std::uint64_t replies_ = 0; // turns of the load that ended, in every phase (for progress)

    // Open loop: sessions free to take a due turn, longest idle first. A stack would hand every
    // turn to the same few sessions and leave the rest idle until the server closes them.
    std::deque<client_session*> idle_;
    std::deque<bench_clock::time_point> backlog_; // open loop: due turns waiting for a session
    bench_clock::time_point schedule_start_{};
    std::uint64_t scheduled_ = 0; // open loop: turns made due so far
    bench_clock::time_point next_due_{};

    latency_samples samples_;
    std::size_t completed_in_window_ = 0; // turns that ended inside the window
    std::size_t frames_in_window_ = 0;
    std::size_t unsent_ = 0; // open loop: due inside the window but never sent
    bench_clock::time_point run_start_{};
    bench_clock::time_point window_start_{};
    bench_clock::time_point window_end_{};
    std::optional<double> server_cpu_start_;
    std::optional<double> server_cpu_end_;
    double own_cpu_start_ = 0;
    double own_cpu_end_ = 0;
    std::optional<std::int64_t> rss_before_;
    std::optional<std::int64_t> rss_tenth_; // idle: RSS when a tenth of the sessions were open
    std::optional<std::int64_t> rss_after_;
    std::optional<std::int64_t> slab_before_;
    std::optional<std::int64_t> slab_after_;

    // Open loop with --window-seconds: the latency series of the measured window.
    std::optional<latency_windows> windows_;
    std::size_t windows_closed_ = 0;  // window ends recorded so far
    double windows_start_unix_s_ = 0; // the series' start on the wall clock, to match server logs

    progress_file* progress_;
    std::uint64_t progress_lines_ = 0;

    boost::asio::steady_timer phase_timer_;
    boost::asio::steady_timer tick_timer_;
    boost::asio::steady_timer window_timer_;
    boost::asio::steady_timer progress_timer_;
};

} // namespace heregoes::bench
