// Tests of latency_windows, the soak's latency series: each latency belongs to the window of its
// turn's intended send time, a window's percentiles are exact over its own turns, and a window
// gives its raw samples back once nothing more can arrive for it.

#include "tests/bench/load/latency_windows.hpp"

#include <gtest/gtest.h>

namespace heregoes::bench {
namespace {

constexpr std::int64_t ms = 1'000'000; // nanoseconds
constexpr std::int64_t s = 1000 * ms;

TEST(latency_windows, a_latency_counts_in_the_window_of_its_intended_time_not_of_its_reply) {
    latency_windows w(10 * s, 30 * s);
    w.turn_due(5 * s);
    w.turn_ended(5 * s, 25 * s, false);
    w.finish();
    const auto series = w.series();
    EXPECT_EQ(series[0].samples, 1u);
    EXPECT_DOUBLE_EQ(series[0].max_us, 20e6);
    EXPECT_EQ(series[2].samples, 0u);
}

TEST(latency_windows, a_reply_counts_in_the_window_in_which_it_arrived) {
    latency_windows w(10 * s, 30 * s);
    w.turn_due(5 * s);
    w.turn_ended(5 * s, 25 * s, false);
    w.finish();
    const auto series = w.series();
    EXPECT_EQ(series[0].replies, 0u);
    EXPECT_EQ(series[2].replies, 1u);
}

TEST(latency_windows, a_stall_shows_in_the_windows_whose_turns_were_due) {
    latency_windows w(10 * s, 30 * s);
    // Healthy 1 ms turns throughout, except those due from 10 s to 14 s, all answered at 15 s.
    for (std::int64_t t = 0; t < 30 * s; t += 100 * ms) {
        w.turn_due(t);
        const bool stalled = t >= 10 * s && t < 14 * s;
        w.turn_ended(t, stalled ? 15 * s : t + ms, false);
    }
    w.finish();
    const auto series = w.series();
    EXPECT_DOUBLE_EQ(series[0].p99_us, 1000.0);
    EXPECT_DOUBLE_EQ(series[1].max_us, 5e6);
    EXPECT_GT(series[1].p99_us, 1e6);
    EXPECT_DOUBLE_EQ(series[2].p99_us, 1000.0);
}

TEST(latency_windows, window_percentiles_are_nearest_rank_over_that_windows_turns_only) {
    latency_windows w(10 * s, 20 * s);
    for (std::int64_t i = 1; i <= 100; ++i) { // 1..100 ms in the first window
        w.turn_due(i * ms);
        w.turn_ended(i * ms, i * ms + i * ms, false);
    }
    w.turn_due(15 * s); // a 9 s turn in the second window must not reach the first's tail
    w.turn_ended(15 * s, 24 * s, false);
    w.finish();
    const auto first = w.series()[0];
    EXPECT_DOUBLE_EQ(first.p50_us, 50'000.0);
    EXPECT_DOUBLE_EQ(first.p99_us, 99'000.0);
    EXPECT_DOUBLE_EQ(first.max_us, 100'000.0);
}

TEST(latency_windows, an_ended_window_with_a_turn_outstanding_keeps_its_samples) {
    latency_windows w(10 * s, 30 * s);
    w.turn_due(1 * s);
    w.turn_due(2 * s);
    w.turn_ended(1 * s, 1 * s + ms, false);
    w.window_ended(0, 1, 8 * s);
    EXPECT_EQ(w.windows_holding_samples(), 1u);
    EXPECT_DOUBLE_EQ(w.series()[0].p99_us, 0.0); // not reduced yet
}

TEST(latency_windows, an_ended_window_is_reduced_and_freed_when_its_last_turn_ends) {
    latency_windows w(10 * s, 30 * s);
    w.turn_due(1 * s);
    w.turn_due(2 * s);
    w.turn_ended(1 * s, 1 * s + ms, false);
    w.window_ended(0, 1, 8 * s);
    w.turn_ended(2 * s, 12 * s, false);
    EXPECT_EQ(w.windows_holding_samples(), 0u);
    EXPECT_DOUBLE_EQ(w.series()[0].max_us, 10e6);
}

TEST(latency_windows, a_window_is_not_reduced_before_its_end_even_with_nothing_outstanding) {
    latency_windows w(10 * s, 30 * s);
    w.turn_due(1 * s);
    w.turn_ended(1 * s, 1 * s + ms, false);
    EXPECT_EQ(w.windows_holding_samples(), 1u);
}

TEST(latency_windows, the_outstanding_turns_at_a_windows_end_are_kept) {
    latency_windows w(10 * s, 20 * s);
    w.window_ended(0, 42, 3500 * ms);
    const auto first = w.series()[0];
    EXPECT_EQ(first.outstanding, 42u);
    EXPECT_DOUBLE_EQ(first.oldest_outstanding_ms, 3500.0);
}

TEST(latency_windows, an_error_frame_counts_as_a_reply_and_an_error_and_keeps_its_latency) {
    latency_windows w(10 * s, 10 * s);
    w.turn_due(1 * s);
    w.turn_ended(1 * s, 1 * s + 2 * ms, true);
    w.finish();
    const auto only = w.series()[0];
    EXPECT_EQ(only.replies, 1u);
    EXPECT_EQ(only.errors, 1u);
    EXPECT_EQ(only.samples, 1u);
}

TEST(latency_windows, a_failed_session_counts_an_error_and_no_latency) {
    latency_windows w(10 * s, 10 * s);
    w.turn_due(1 * s);
    w.turn_failed(1 * s, 3 * s);
    w.window_ended(0, 0, 0);
    const auto only = w.series()[0];
    EXPECT_EQ(only.errors, 1u);
    EXPECT_EQ(only.samples, 0u);
    EXPECT_EQ(only.replies, 0u);
    EXPECT_EQ(w.windows_holding_samples(), 0u);
}

TEST(latency_windows, a_cut_off_turn_keeps_its_wait_so_far_and_counts_no_reply) {
    latency_windows w(10 * s, 10 * s);
    w.turn_due(4 * s);
    w.turn_cut_off(4 * s, 15 * s);
    w.finish();
    const auto only = w.series()[0];
    EXPECT_DOUBLE_EQ(only.max_us, 11e6);
    EXPECT_EQ(only.replies, 0u);
}

TEST(latency_windows, a_reply_after_the_series_end_is_in_no_window) {
    latency_windows w(10 * s, 20 * s);
    w.turn_due(19 * s);
    w.turn_ended(19 * s, 21 * s, false);
    w.finish();
    const auto series = w.series();
    EXPECT_EQ(series[1].replies, 0u);
    EXPECT_EQ(series[1].samples, 1u);
}

TEST(latency_windows, turns_sent_are_counted_by_the_clock) {
    latency_windows w(10 * s, 20 * s);
    w.turn_sent(3 * s);
    w.turn_sent(12 * s);
    w.turn_sent(13 * s);
    const auto series = w.series();
    EXPECT_EQ(series[0].sent, 1u);
    EXPECT_EQ(series[1].sent, 2u);
}

TEST(latency_windows, the_last_window_is_shorter_when_the_series_does_not_divide_evenly) {
    latency_windows w(10 * s, 25 * s);
    ASSERT_EQ(w.count(), 3u);
    const auto series = w.series();
    EXPECT_DOUBLE_EQ(series[2].start_s, 20.0);
    EXPECT_DOUBLE_EQ(series[2].length_s, 5.0);
}

TEST(latency_windows, a_turn_due_at_the_very_end_belongs_to_the_last_window) {
    latency_windows w(10 * s, 20 * s);
    EXPECT_EQ(w.index_of(20 * s + 5), 1u);
    EXPECT_EQ(w.index_of(10 * s), 1u);
    EXPECT_EQ(w.index_of(10 * s - 1), 0u);
}

} // namespace
} // namespace heregoes::bench
