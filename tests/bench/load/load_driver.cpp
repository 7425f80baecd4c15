// The modes of bench_loadgen as one small state machine: opening -> (warmup -> measuring ->
// draining) | holding -> done. All of it runs on one thread, so no member needs a lock.

#include "tests/bench/load/load_driver.hpp"

#include "tests/bench/load/proc_stats.hpp"
#include "tests/bench/load/window_summary.hpp"

#include <boost/asio/ip/address.hpp>

#include <algorithm>
#include <cmath>

namespace heregoes::bench {
namespace {

// How long in-flight turns may take to end after the window closes before they are counted at
// the time the wait gave up (a lower bound on their latency). Long enough for any healthy server.
constexpr auto drain_limit = std::chrono::seconds(5);

// How long the opening phase may take before the run gives up and reports what it has: a
// connect storm that stalls longer than this is itself the finding.
constexpr auto opening_limit = std::chrono::seconds(60);

// Longest part of an error frame kept for the report; error frames are short and carry no
// person's text (the generator sends only scripted frames).
constexpr std::size_t kept_error_chars = 200;

// How often the progress line is written: often enough for run.sh to catch a stall of a few
// seconds while it lasts, rarely enough (one ~50-byte write) to cost the generator nothing.
constexpr auto progress_every = std::chrono::seconds(1);

// A whole-nanosecond duration for timers, from seconds given on the command line.
std::chrono::nanoseconds from_seconds(double seconds) {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
        std::chrono::duration<double>(seconds));
}

double seconds_between(bench_clock::time_point a, bench_clock::time_point b) {
    return std::chrono::duration<double>(b - a).count();
}

} // namespace

load_driver::load_driver(boost::asio::io_context& ioc,
                         const loadgen_options& options,
                         const walk& w,
                         progress_file* progress)
    : ioc_(ioc)
    , options_(options)
    , walk_(w)
    , endpoint_(boost::asio::ip::make_address(options.host), options.port)
    , progress_(progress)
    , phase_timer_(ioc)
    , tick_timer_(ioc)
    , window_timer_(ioc)
    , progress_timer_(ioc) {
}

std::size_t load_driver::target_sessions() const {
    return options_.mode == run_mode::connect ? options_.connect_total : options_.sessions;
}

nlohmann::json load_driver::run() {
    sessions_.reserve(target_sessions());
    greeted_.assign(target_sessions(), 0);
    ready_.assign(target_sessions(), 0);
    prewalk_left_.assign(target_sessions(), 0);
    alive_.assign(target_sessions(), 0);
    busy_.assign(target_sessions(), 0);
    if (options_.server_pid != 0) {
        rss_before_ = process_rss_kib(options_.server_pid);
        server_cpu_start_ = process_cpu_seconds(options_.server_pid);
    }
    slab_before_ = machine_slab_kib();
    own_cpu_start_ = own_cpu_seconds();
    run_start_ = bench_clock::now();
    window_start_ = run_start_; // connect and idle measure from the first connect
    phase_timer_.expires_after(opening_limit);
    phase_timer_.async_wait([this](boost::beast::error_code ec) {
        if (!ec && phase_ == phase::opening) {
            record_error("opening did not finish within the limit");
            finish();
        }
    });
    if (progress_ != nullptr) {
        schedule_progress();
    }
    launch_more();
    ioc_.run();

    nlohmann::json out;
    out["tool"] = "bench_loadgen";
    out["label"] = options_.label;
    static constexpr const char* mode_names[] = {"closed", "open", "idle", "connect"};
    out["mode"] = mode_names[static_cast<int>(options_.mode)];
    out["protocol"] = options_.protocol == protocol_kind::v1 ? "v1" : "echo";
    out["sessions"] = options_.mode == run_mode::connect ? options_.in_flight : options_.sessions;
    out["opened"] = opened_;
    out["failed"] = failed_;
    out["error_frames"] = error_frames_;
    out["errors"] = failed_ + error_frames_;
    if (!first_error_.empty()) {
        out["first_error"] = first_error_;
    }
    const double window = seconds_between(window_start_, window_end_);
    out["seconds"] = window;
    const double turns = static_cast<double>(completed_in_window_);
    out["turns"] = completed_in_window_;
    if (window > 0) {
        out["turns_per_s"] = turns / window;
        out["client_cpu_pct"] = 100.0 * (own_cpu_end_ - own_cpu_start_) / window;
    }
    if (completed_in_window_ > 0) {
        out["frames_per_turn"] = static_cast<double>(frames_in_window_) / turns;
    }
    if (server_cpu_start_ && server_cpu_end_) {
        const double cpu = *server_cpu_end_ - *server_cpu_start_;
        out["server_cpu_s"] = cpu;
        if (window > 0) {
            out["server_cpu_pct"] = 100.0 * cpu / window;
        }
        if (completed_in_window_ > 0) {
            out["server_cpu_us_per_turn"] = 1e6 * cpu / turns;
        }
    }
    if (options_.mode == run_mode::open) {
        out["offered_rate"] = options_.rate;
        out["achieved_rate"] = window > 0 ? static_cast<double>(samples_.size()) / window : 0.0;
        out["unsent"] = unsent_;
    }
    if (options_.mode == run_mode::connect && window > 0) {
        out["connect_total"] = options_.connect_total;
        out["sessions_per_s"] = turns / window;
    }
    if (options_.mode == run_mode::idle && rss_before_ && rss_after_ && opened_ > 0) {
        out["rss_before_kib"] = *rss_before_;
        out["rss_after_kib"] = *rss_after_;
        out["kib_per_session"] =
            static_cast<double>(*rss_after_ - *rss_before_) / static_cast<double>(opened_);
        if (rss_tenth_ && opened_ > options_.sessions / 10) {
            const auto tenth = static_cast<double>(options_.sessions / 10);
            out["kib_per_session_marginal"] = static_cast<double>(*rss_after_ - *rss_tenth_) /
                                              (static_cast<double>(opened_) - tenth);
        }
        if (slab_before_ && slab_after_) {
            // On loopback both ends' sockets are in the one kernel, so this counts two sockets.
            out["slab_kib_per_session_both_ends"] =
                static_cast<double>(*slab_after_ - *slab_before_) / static_cast<double>(opened_);
        }
    }
    out["samples"] = samples_.size();
    const auto p = samples_.compute();
    out["p50_us"] = p.p50_us;
    out["p99_us"] = p.p99_us;
    out["p999_us"] = p.p999_us;
    out["max_us"] = p.max_us;
    if (windows_) {
        out["window_seconds"] = options_.window_seconds;
        out["windows_start_unix_s"] = windows_start_unix_s_;
        auto series = nlohmann::json::array();
        for (const auto& w : windows_->series()) {
            series.push_back(window_to_json(w));
        }
        out["windows"] = std::move(series);
    }
    return out;
}

void load_driver::launch_more() {
    while (phase_ == phase::opening && opening_ < options_.in_flight &&
           next_to_open_ < target_sessions()) {
        const auto index = next_to_open_++;
        sessions_.push_back(std::make_unique<client_session>(ioc_, *this, index));
        alive_[index] = 1;
        ++opening_;
        sessions_.back()->open(endpoint_, options_, walk_.start_frame);
    }
}

void load_driver::record_error(std::string text) {
    if (first_error_.empty()) {
        first_error_ = std::move(text);
    }
}

void load_driver::note_error_frame(client_session&, std::string_view frame) {
    ++error_frames_;
    record_error(std::string(frame.substr(0, kept_error_chars)));
}

void load_driver::on_failed(client_session& s, boost::beast::error_code ec, const char* what) {
    if (phase_ == phase::done || !alive_[s.index()]) {
        return;
    }
    alive_[s.index()] = 0;
    ++failed_;
    record_error(std::string(what) + ": " + ec.message());
    s.abort();
    if (!ready_[s.index()]) {
        --opening_;
        if (phase_ == phase::opening) {
            launch_more();
            if (opened_ + failed_ == target_sessions()) {
                all_opened();
            }
        }
        return;
    }
    --in_flight_;
    busy_[s.index()] = 0;
    if (windows_ && s.intended_at() >= window_start_ &&
        (phase_ == phase::measuring || s.intended_at() < window_end_)) {
        windows_->turn_failed(series_ns(s.intended_at()), series_ns(bench_clock::now()));
    }
    if (phase_ == phase::draining && in_flight_ == 0) {
        finish();
    }
}

void load_driver::on_first_bot(client_session& s, bool error) {
    greeted_[s.index()] = 1;
    ready_[s.index()] = 1;
    alive_[s.index()] = 0;
    --opening_;
    if (!error) {
        ++opened_;
        ++completed_in_window_;
        frames_in_window_ += s.frames_in_turn();
        samples_.add((bench_clock::now() - s.opened_at()).count());
    } else {
        ++failed_;
    }
    s.abort();
    launch_more();
    if (opened_ + failed_ == target_sessions()) {
        finish();
    }
}

void load_driver::session_opened(client_session& s) {
    ready_[s.index()] = 1;
    --opening_;
    ++opened_;
    if (options_.mode == run_mode::idle) {
        samples_.add((bench_clock::now() - s.opened_at()).count());
        if (opened_ == options_.sessions / 10 && options_.server_pid != 0) {
            rss_tenth_ = process_rss_kib(options_.server_pid);
        }
    }
    idle_.push_back(&s);
    launch_more();
    if (opened_ + failed_ == target_sessions()) {
        all_opened();
    }
}

void load_driver::all_opened() {
    phase_timer_.cancel();
    if (options_.mode == run_mode::idle) {
        phase_ = phase::holding;
        phase_timer_.expires_after(from_seconds(options_.hold_s));
        phase_timer_.async_wait([this](boost::beast::error_code ec) {
            if (ec) {
                return;
            }
            if (options_.server_pid != 0) {
                rss_after_ = process_rss_kib(options_.server_pid);
            }
            slab_after_ = machine_slab_kib();
            finish();
        });
        return;
    }
    phase_ = phase::warmup;
    const auto now = bench_clock::now();
    if (options_.mode == run_mode::closed) {
        auto ready = std::move(idle_);
        idle_.clear();
        for (auto* s : ready) {
            send_next(*s, now);
        }
    } else {
        schedule_start_ = now;
        next_due_ = now;
        on_tick();
    }
    phase_timer_.expires_after(from_seconds(options_.warmup_s));
    phase_timer_.async_wait([this](boost::beast::error_code ec) {
        if (!ec) {
            start_window();
        }
    });
}

void load_driver::start_window() {
    phase_ = phase::measuring;
    if (options_.server_pid != 0) {
        server_cpu_start_ = process_cpu_seconds(options_.server_pid);
    }
    own_cpu_start_ = own_cpu_seconds();
    window_start_ = bench_clock::now();
    if (options_.mode == run_mode::open && options_.window_seconds > 0) {
        windows_.emplace(from_seconds(options_.window_seconds).count(),
                         from_seconds(options_.measure_s).count());
        windows_start_unix_s_ =
            std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch())
                .count();
        schedule_window_end();
    }
    phase_timer_.expires_after(from_seconds(options_.measure_s));
    phase_timer_.async_wait([this](boost::beast::error_code ec) {
        if (!ec) {
            end_window();
        }
    });
}

void load_driver::end_window() {
    window_end_ = bench_clock::now();
    if (options_.server_pid != 0) {
        server_cpu_end_ = process_cpu_seconds(options_.server_pid);
    }
    own_cpu_end_ = own_cpu_seconds();
    phase_ = phase::draining;
    tick_timer_.cancel();
    window_timer_.cancel();
    if (windows_) {
        // The last window ends with the measured window; earlier ends come from on_window_end.
        const auto due = oldest_outstanding_due();
        windows_->window_ended(
            windows_->count() - 1, outstanding(), due ? (window_end_ - *due).count() : 0);
    }
    if (in_flight_ == 0) {
        finish();
        return;
    }
    phase_timer_.expires_after(drain_limit);
    phase_timer_.async_wait([this](boost::beast::error_code ec) {
        if (!ec) {
            finish();
        }
    });
}

void load_driver::finish() {
    if (phase_ == phase::done) {
        return;
    }
    const auto now = bench_clock::now();
    if (options_.mode == run_mode::connect || options_.mode == run_mode::idle) {
        window_end_ = now;
        if (options_.server_pid != 0) {
            server_cpu_end_ = process_cpu_seconds(options_.server_pid);
        }
        own_cpu_end_ = own_cpu_seconds();
    }
    if (options_.mode == run_mode::open) {
        // Turns due in the window that never went out, and turns still in flight, count with the
        // latency they had reached when the run stopped waiting: a lower bound, never dropped.
        // Only sessions with a turn truly in flight: a session whose turn ended while draining
        // is neither idle nor busy, and counting it here would count its turn twice.
        for (auto due : backlog_) {
            if (due >= window_start_ && due < window_end_) {
                ++unsent_;
                samples_.add((now - due).count());
                if (windows_) {
                    windows_->turn_cut_off(series_ns(due), series_ns(now));
                }
            }
        }
        for (std::size_t i = 0; i < sessions_.size(); ++i) {
            if (alive_[i] && busy_[i]) {
                const auto due = sessions_[i]->intended_at();
                if (due >= window_start_ && due < window_end_) {
                    samples_.add((now - due).count());
                    if (windows_) {
                        windows_->turn_cut_off(series_ns(due), series_ns(now));
                    }
                }
            }
        }
        if (windows_) {
            windows_->finish();
        }
    }
    phase_ = phase::done;
    phase_timer_.cancel();
    tick_timer_.cancel();
    window_timer_.cancel();
    progress_timer_.cancel();
    if (progress_ != nullptr) {
        write_progress(); // the last line says the run is done
    }
    for (auto& s : sessions_) {
        s->abort();
    }
    ioc_.stop();
}

void load_driver::send_next(client_session& s, bench_clock::time_point intended) {
    const auto& frame = walk_.frame_at(s.step());
    s.set_step((s.step() + 1) % walk_.cycle_length());
    ++in_flight_;
    busy_[s.index()] = 1;
    if (windows_ && phase_ == phase::measuring) {
        windows_->turn_sent(series_ns(bench_clock::now()));
    }
    s.send_turn(frame, intended);
}

void load_driver::on_turn_done(client_session& s, bool error) {
    if (phase_ == phase::done) {
        return;
    }
    if (!ready_[s.index()]) {
        if (error) {
            alive_[s.index()] = 0;
            --opening_;
            ++failed_;
            s.abort();
            launch_more();
            if (opened_ + failed_ == target_sessions()) {
                all_opened();
            }
            return;
        }
        const auto i = s.index();
        if (!greeted_[i]) {
            greeted_[i] = 1;
            const bool loaded =
                options_.mode == run_mode::closed || options_.mode == run_mode::open;
            prewalk_left_[i] = loaded ? static_cast<std::uint32_t>(i % walk_.cycle_length()) : 0;
        } else {
            --prewalk_left_[i];
        }
        if (prewalk_left_[i] > 0) {
            // Still walking to its starting step: not timed, not counted as load.
            const auto& frame = walk_.frame_at(s.step());
            s.set_step((s.step() + 1) % walk_.cycle_length());
            s.send_turn(frame, bench_clock::now());
            return;
        }
        session_opened(s);
        return;
    }
    --in_flight_;
    ++replies_;
    busy_[s.index()] = 0;
    const auto now = bench_clock::now();
    if (phase_ == phase::measuring) {
        ++completed_in_window_;
        frames_in_window_ += s.frames_in_turn();
    }
    // Closed loop: a turn counts when it was sent inside the window. Open loop: when it was due
    // inside the window, however late it ended (the window may already have closed).
    const bool due_in_window = s.intended_at() >= window_start_ &&
                               (phase_ == phase::measuring || s.intended_at() < window_end_);
    if (phase_ != phase::warmup && due_in_window) {
        samples_.add((now - s.intended_at()).count());
        if (windows_) {
            // While draining the reply falls past the series' end and only its latency counts.
            windows_->turn_ended(series_ns(s.intended_at()), series_ns(now), error);
        }
    }
    after_turn(s);
}

void load_driver::after_turn(client_session& s) {
    if (phase_ == phase::draining) {
        if (in_flight_ == 0) {
            finish();
        }
        return;
    }
    if (options_.mode == run_mode::closed) {
        send_next(s, bench_clock::now());
        return;
    }
    if (!backlog_.empty()) {
        const auto due = backlog_.front();
        backlog_.pop_front();
        send_next(s, due);
        return;
    }
    idle_.push_back(&s);
}

void load_driver::on_tick() {
    if (phase_ != phase::warmup && phase_ != phase::measuring) {
        return;
    }
    const auto now = bench_clock::now();
    const double period_ns = 1e9 / options_.rate;
    while (next_due_ <= now) {
        if (windows_ && phase_ == phase::measuring && next_due_ >= window_start_) {
            windows_->turn_due(series_ns(next_due_));
        }
        if (!idle_.empty()) {
            auto* s = idle_.front();
            idle_.pop_front();
            send_next(*s, next_due_);
        } else {
            backlog_.push_back(next_due_);
        }
        ++scheduled_;
        next_due_ =
            schedule_start_ + std::chrono::nanoseconds(static_cast<std::int64_t>(
                                  std::llround(static_cast<double>(scheduled_) * period_ns)));
    }
    schedule_tick();
}

void load_driver::schedule_tick() {
    tick_timer_.expires_at(next_due_);
    tick_timer_.async_wait([this](boost::beast::error_code ec) {
        if (!ec) {
            on_tick();
        }
    });
}

std::int64_t load_driver::series_ns(bench_clock::time_point t) const {
    return (t - window_start_).count();
}

std::size_t load_driver::outstanding() const {
    return in_flight_ + backlog_.size();
}

std::optional<bench_clock::time_point> load_driver::oldest_outstanding_due() const {
    // The backlog is in due order, so its front is its oldest; turns in flight can be older (a
    // slow reply), so every busy session is looked at: about 10 µs for 10,000 sessions, done
    // once a second and once a window.
    std::optional<bench_clock::time_point> oldest;
    if (!backlog_.empty()) {
        oldest = backlog_.front();
    }
    for (std::size_t i = 0; i < sessions_.size(); ++i) {
        if (busy_[i]) {
            const auto due = sessions_[i]->intended_at();
            if (!oldest || due < *oldest) {
                oldest = due;
            }
        }
    }
    return oldest;
}

void load_driver::schedule_window_end() {
    // Window k ends at (k + 1) windows from the start; the series' last end is end_window's.
    const auto next = static_cast<std::int64_t>(windows_closed_ + 1) *
                      from_seconds(options_.window_seconds).count();
    if (windows_closed_ + 1 >= windows_->count()) {
        return;
    }
    window_timer_.expires_at(window_start_ + std::chrono::nanoseconds(next));
    window_timer_.async_wait([this](boost::beast::error_code ec) {
        if (!ec && phase_ == phase::measuring) {
            on_window_end();
        }
    });
}

void load_driver::on_window_end() {
    // Make every turn due by now due first, so the ending window has all its turns registered
    // before it may be reduced, and the outstanding count includes turns due a moment ago.
    on_tick();
    const auto now = bench_clock::now();
    const auto due = oldest_outstanding_due();
    windows_->window_ended(windows_closed_, outstanding(), due ? (now - *due).count() : 0);
    ++windows_closed_;
    schedule_window_end();
}

void load_driver::schedule_progress() {
    ++progress_lines_;
    progress_timer_.expires_at(run_start_ + progress_every * progress_lines_);
    progress_timer_.async_wait([this](boost::beast::error_code ec) {
        if (!ec && phase_ != phase::done) {
            write_progress();
            schedule_progress();
        }
    });
}

void load_driver::write_progress() {
    static constexpr const char* phase_names[] = {
        "opening", "warmup", "measuring", "draining", "holding", "done"};
    const auto now = bench_clock::now();
    const auto due = oldest_outstanding_due();
    progress_point p;
    p.seconds = seconds_between(run_start_, now);
    p.phase = phase_names[static_cast<int>(phase_)];
    p.outstanding = outstanding();
    p.oldest_ms = due ? std::chrono::duration<double, std::milli>(now - *due).count() : 0.0;
    p.replies = replies_;
    progress_->append(format_progress_line(p));
}

} // namespace heregoes::bench
