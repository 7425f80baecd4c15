// The windowed series. Each latency is attributed to the window of its turn's INTENDED send time,
// not to the window in which its reply came back: a stall then shows up in the windows where the
// turns were due, with latencies as long as the stall, instead of smearing into later windows.
//
// Memory stays bounded by keeping raw samples only while a window can still receive them: a
// window's samples are reduced to its exact percentiles (the same nearest rank as the whole-run
// figures) and freed once its time is over and none of its turns is outstanding. At 5,000 turns/s
// and 10 s windows an open window holds 50,000 samples (400 KB); normally one or two are open, and
// a stall of D seconds keeps about D / 10 + 1 open. A reduced window is about 100 bytes, so a
// 30-minute run's 180 windows cost under 20 KB. Histograms would also bound memory, but give
// approximate percentiles; exact ones match the whole-run numbers they are read beside.

#include "tests/bench/load/latency_windows.hpp"

#include <algorithm>

namespace heregoes::bench {

latency_windows::latency_windows(std::int64_t window_ns, std::int64_t series_ns)
    : window_ns_(std::max<std::int64_t>(window_ns, 1))
    , series_ns_(series_ns) {
    const auto n = std::max<std::int64_t>((series_ns + window_ns_ - 1) / window_ns_, 1);
    windows_.resize(static_cast<std::size_t>(n));
    for (std::size_t i = 0; i < windows_.size(); ++i) {
        const auto start = static_cast<std::int64_t>(i) * window_ns_;
        const auto end = std::min(start + window_ns_, std::max(series_ns, start + 1));
        windows_[i].stats.start_s = static_cast<double>(start) / 1e9;
        windows_[i].stats.length_s = static_cast<double>(end - start) / 1e9;
    }
}

std::size_t latency_windows::index_of(std::int64_t at_ns) const {
    if (at_ns <= 0) {
        return 0;
    }
    return std::min(static_cast<std::size_t>(at_ns / window_ns_), windows_.size() - 1);
}

window_stats* latency_windows::clock_window(std::int64_t at_ns) {
    if (at_ns < 0 || at_ns >= series_ns_) {
        return nullptr;
    }
    return &windows_[index_of(at_ns)].stats;
}

void latency_windows::turn_due(std::int64_t due_ns) {
    auto& w = windows_[index_of(due_ns)];
    ++w.stats.due;
    ++w.pending;
}

void latency_windows::turn_sent(std::int64_t at_ns) {
    if (auto* now = clock_window(at_ns)) {
        ++now->sent;
    }
}

void latency_windows::turn_ended(std::int64_t due_ns, std::int64_t at_ns, bool error) {
    if (auto* now = clock_window(at_ns)) {
        ++now->replies;
        if (error) {
            ++now->errors;
        }
    }
    const auto i = index_of(due_ns);
    windows_[i].samples.add(at_ns - due_ns);
    ++windows_[i].stats.samples;
    end_turn(i);
}

void latency_windows::turn_failed(std::int64_t due_ns, std::int64_t at_ns) {
    if (auto* now = clock_window(at_ns)) {
        ++now->errors;
    }
    end_turn(index_of(due_ns));
}

void latency_windows::turn_cut_off(std::int64_t due_ns, std::int64_t at_ns) {
    const auto i = index_of(due_ns);
    windows_[i].samples.add(at_ns - due_ns);
    ++windows_[i].stats.samples;
    end_turn(i);
}

void latency_windows::end_turn(std::size_t due_index) {
    auto& w = windows_[due_index];
    if (w.pending > 0) {
        --w.pending;
    }
    reduce_if_settled(w);
}

void latency_windows::window_ended(std::size_t index,
                                   std::uint64_t outstanding,
                                   std::int64_t oldest_age_ns) {
    if (index >= windows_.size()) {
        return;
    }
    auto& w = windows_[index];
    w.ended = true;
    w.stats.outstanding = outstanding;
    w.stats.oldest_outstanding_ms =
        static_cast<double>(std::max<std::int64_t>(oldest_age_ns, 0)) / 1e6;
    reduce_if_settled(w);
}

void latency_windows::reduce_if_settled(window& w) {
    if (w.reduced || !w.ended || w.pending > 0) {
        return;
    }
    const auto p = w.samples.compute();
    w.stats.p50_us = p.p50_us;
    w.stats.p99_us = p.p99_us;
    w.stats.max_us = p.max_us;
    w.samples.release();
    w.reduced = true;
}

void latency_windows::finish() {
    for (auto& w : windows_) {
        w.ended = true;
        w.pending = 0;
        reduce_if_settled(w);
    }
}

std::size_t latency_windows::windows_holding_samples() const {
    return static_cast<std::size_t>(std::count_if(
        windows_.begin(), windows_.end(), [](const window& w) { return w.samples.size() > 0; }));
}

std::vector<window_stats> latency_windows::series() const {
    std::vector<window_stats> out;
    out.reserve(windows_.size());
    for (const auto& w : windows_) {
        out.push_back(w.stats);
    }
    return out;
}

} // namespace heregoes::bench
