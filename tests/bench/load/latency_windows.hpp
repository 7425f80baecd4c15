#pragma once

// The open loop's latency series: the measured window cut into fixed windows (10 s in the soak),
// each with its own exact p50, p99 and max, so a reader sees WHEN latency went bad, not only that
// it did somewhere in a 30-minute run. It knows nothing of sockets or clocks: the driver reports
// each turn's intended time and the time things happened, as nanoseconds since the series began.

#include "tests/bench/load/latency_samples.hpp"

#include <cstdint>
#include <vector>

namespace heregoes::bench {

// One window of the series, once it is reduced.
struct window_stats {
    double start_s = 0;  // window start, seconds since the measured window began
    double length_s = 0; // its length (the last window may be shorter)
    // Counted by intended send time: the turns due in this window and their latencies.
    std::uint64_t due = 0;
    std::uint64_t samples = 0; // latencies kept (due minus the turns whose session failed)
    double p50_us = 0;
    double p99_us = 0;
    double max_us = 0;
    // Counted by the clock: what happened while this window was the present.
    std::uint64_t sent = 0;    // turns written to a socket
    std::uint64_t replies = 0; // turns whose last frame arrived, error frames included
    std::uint64_t errors = 0;  // turns that ended in an error frame or a failed session
    // At the window's end: turns due and not yet answered (sent or still waiting for a session),
    // and how long the oldest of them had been due.
    std::uint64_t outstanding = 0;
    double oldest_outstanding_ms = 0;
};

class latency_windows {
public:
    // A series of ceil(series_ns / window_ns) windows; both must be positive.
    latency_windows(std::int64_t window_ns, std::int64_t series_ns);

    // How many windows the series has.
    std::size_t count() const { return windows_.size(); }

    // The window holding `at_ns`; times before the series go to the first window and times past
    // its end to the last, so a caller that checked the series bounds never loses a turn.
    std::size_t index_of(std::int64_t at_ns) const;

    // A turn became due at `due_ns` (sent at once or queued for a free session). Must come
    // before window_ended() of its window, so no window is reduced with a turn still to come.
    void turn_due(std::int64_t due_ns);
    // The clock counts below (sent, replies, errors) go to the window holding `at_ns`; what
    // happens outside the series (a reply while the run drains) is in no window.

    // A turn was written to a socket at `at_ns`.
    void turn_sent(std::int64_t at_ns);
    // A turn due at `due_ns` ended at `at_ns` (by an error frame when `error`); its latency is
    // kept in the window of its intended time, its reply counted in the window of `at_ns`.
    void turn_ended(std::int64_t due_ns, std::int64_t at_ns, bool error);
    // A turn's session failed at `at_ns`: an error, and no latency (there was no answer).
    void turn_failed(std::int64_t due_ns, std::int64_t at_ns);
    // The run stopped waiting at `at_ns` for a turn due at `due_ns`: its latency so far is kept
    // as a lower bound, as the whole-run figures do, and no reply is counted.
    void turn_cut_off(std::int64_t due_ns, std::int64_t at_ns);

    // Window `index` is over; `outstanding` turns were due and unanswered at its end, the oldest
    // due `oldest_age_ns` before it. The window is reduced as soon as none of its turns is still
    // outstanding.
    void window_ended(std::size_t index, std::uint64_t outstanding, std::int64_t oldest_age_ns);

    // Reduces every window still open, the run being over; call after the cut-off turns.
    void finish();

    // Windows still holding their raw samples (the memory the series holds beyond its stats).
    std::size_t windows_holding_samples() const;

    // The series; a window not yet reduced shows its counts with zero latencies.
    std::vector<window_stats> series() const;

private:
    struct window {
        window_stats stats;
        latency_samples samples;
        std::uint64_t pending = 0; // turns due in it and not yet ended, failed or cut off
        bool ended = false;        // window_ended() was called
        bool reduced = false;      // percentiles computed and the samples freed
    };

    window_stats* clock_window(std::int64_t at_ns);
    void end_turn(std::size_t due_index);
    void reduce_if_settled(window& w);

    std::int64_t window_ns_;
    std::int64_t series_ns_;
    std::vector<window> windows_;
};

} // namespace heregoes::bench
