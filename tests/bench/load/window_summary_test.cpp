// Tests of the soak summary's pieces: the latency series survives its trip through the result
// line's JSON, a damaged series is an error naming the window, and the worst windows and the
// count over the bound are the ones a reader would pick by hand.

#include "tests/bench/load/window_summary.hpp"

#include <gtest/gtest.h>

namespace heregoes::bench {
namespace {

window_stats with_p99(double start_s, double p99_us) {
    window_stats w;
    w.start_s = start_s;
    w.p99_us = p99_us;
    return w;
}

TEST(window_summary, a_window_survives_the_round_trip_through_json) {
    window_stats w;
    w.start_s = 30;
    w.length_s = 10;
    w.due = 50'000;
    w.samples = 49'998;
    w.p50_us = 780;
    w.p99_us = 64'000;
    w.max_us = 130'000;
    w.sent = 50'001;
    w.replies = 49'990;
    w.errors = 2;
    w.outstanding = 7;
    w.oldest_outstanding_ms = 12.5;
    nlohmann::json result;
    result["windows"] = nlohmann::json::array({window_to_json(w)});
    auto back = windows_from_result(result);
    ASSERT_TRUE(back) << back.error().to_string();
    ASSERT_EQ(back->size(), 1u);
    const auto& r = back->front();
    EXPECT_DOUBLE_EQ(r.start_s, 30);
    EXPECT_EQ(r.samples, 49'998u);
    EXPECT_DOUBLE_EQ(r.p99_us, 64'000);
    EXPECT_EQ(r.errors, 2u);
    EXPECT_EQ(r.outstanding, 7u);
    EXPECT_DOUBLE_EQ(r.oldest_outstanding_ms, 12.5);
}

TEST(window_summary, a_result_line_without_a_series_is_an_error) {
    nlohmann::json result = {{"tool", "bench_loadgen"}, {"p99_us", 1000}};
    auto series = windows_from_result(result);
    ASSERT_FALSE(series);
    EXPECT_EQ(series.error().where, "#/windows");
}

TEST(window_summary, a_window_missing_a_field_is_an_error_naming_it) {
    nlohmann::json result;
    result["windows"] = nlohmann::json::array({window_to_json(window_stats{}), window_to_json({})});
    result["windows"][1].erase("p99_us");
    auto series = windows_from_result(result);
    ASSERT_FALSE(series);
    EXPECT_EQ(series.error().where, "#/windows/1/p99_us");
}

TEST(window_summary, the_worst_windows_come_highest_p99_first) {
    const auto worst = worst_windows_by_p99(
        {with_p99(0, 900), with_p99(10, 5e6), with_p99(20, 1200), with_p99(30, 80'000)}, 3);
    ASSERT_EQ(worst.size(), 3u);
    EXPECT_DOUBLE_EQ(worst[0].start_s, 10);
    EXPECT_DOUBLE_EQ(worst[1].start_s, 30);
    EXPECT_DOUBLE_EQ(worst[2].start_s, 20);
}

TEST(window_summary, windows_with_equal_p99_keep_their_order_in_time) {
    const auto worst =
        worst_windows_by_p99({with_p99(0, 700), with_p99(10, 700), with_p99(20, 700)}, 2);
    ASSERT_EQ(worst.size(), 2u);
    EXPECT_DOUBLE_EQ(worst[0].start_s, 0);
    EXPECT_DOUBLE_EQ(worst[1].start_s, 10);
}

TEST(window_summary, asking_for_more_worst_windows_than_exist_gives_them_all) {
    EXPECT_EQ(worst_windows_by_p99({with_p99(0, 1), with_p99(10, 2)}, 5).size(), 2u);
}

TEST(window_summary, only_windows_strictly_over_the_bound_are_counted) {
    const std::vector<window_stats> series = {
        with_p99(0, 100'000), with_p99(10, 100'001), with_p99(20, 3e6), with_p99(30, 50)};
    EXPECT_EQ(windows_with_p99_over(series, 100'000), 2u);
}

} // namespace
} // namespace heregoes::bench
