// Tests of latency_samples: percentiles are exact nearest-rank values over every stored sample,
// because the benchmark's p99.9 must not be an estimate.

#include "tests/bench/load/latency_samples.hpp"

#include <gtest/gtest.h>

namespace heregoes::bench {
namespace {

TEST(latency_samples, percentiles_are_nearest_rank_over_all_samples) {
    latency_samples s;
    for (int i = 1000; i >= 1; --i) { // 1..1000 µs, added out of order
        s.add(static_cast<std::int64_t>(i) * 1000);
    }
    const auto p = s.compute();
    EXPECT_DOUBLE_EQ(p.p50_us, 500.0);
    EXPECT_DOUBLE_EQ(p.p99_us, 990.0);
    EXPECT_DOUBLE_EQ(p.p999_us, 999.0);
    EXPECT_DOUBLE_EQ(p.max_us, 1000.0);
}

TEST(latency_samples, a_single_outlier_shows_in_the_tail_of_a_small_set) {
    latency_samples s;
    for (int i = 0; i < 99; ++i) {
        s.add(1000);
    }
    s.add(50'000'000);
    const auto p = s.compute();
    EXPECT_DOUBLE_EQ(p.p99_us, 1.0);
    EXPECT_DOUBLE_EQ(p.p999_us, 50'000.0);
    EXPECT_DOUBLE_EQ(p.max_us, 50'000.0);
}

TEST(latency_samples, no_samples_give_zeros) {
    latency_samples s;
    const auto p = s.compute();
    EXPECT_EQ(p.p50_us, 0.0);
    EXPECT_EQ(p.max_us, 0.0);
}

} // namespace
} // namespace heregoes::bench
