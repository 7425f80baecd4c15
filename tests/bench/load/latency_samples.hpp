#pragma once

// Every latency sample of a measured window, kept whole so percentiles are exact (nearest rank)
// rather than estimated from a histogram. At the rates this machine reaches (under 100k turns/s for
// 20 s) that is at most a few million 8-byte samples, which is cheap.

#include <cstdint>
#include <vector>

namespace heregoes::bench {

struct percentiles {
    double p50_us = 0;
    double p99_us = 0;
    double p999_us = 0;
    double max_us = 0;
};

class latency_samples {
public:
    // Keeps one latency, in nanoseconds.
    void add(std::int64_t nanoseconds) { samples_.push_back(nanoseconds); }

    // How many samples were kept.
    std::size_t size() const { return samples_.size(); }

    // Exact nearest-rank percentiles in microseconds; all zero when there are no samples.
    percentiles compute();

    // Drops every sample and gives their memory back (a reduced window keeps only its stats).
    void release() { std::vector<std::int64_t>().swap(samples_); }

private:
    std::vector<std::int64_t> samples_;
};

} // namespace heregoes::bench
