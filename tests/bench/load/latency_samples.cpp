// Nearest-rank percentiles over the stored samples: the p-th percentile is the smallest sample
// with at least p% of all samples at or below it. Sorting once is fine: this runs after the window.

#include "tests/bench/load/latency_samples.hpp"

#include <algorithm>
#include <cmath>

namespace heregoes::bench {

percentiles latency_samples::compute() {
    percentiles result;
    if (samples_.empty()) {
        return result;
    }
    std::sort(samples_.begin(), samples_.end());
    const auto rank = [this](double fraction) {
        const auto n = static_cast<double>(samples_.size());
        auto index = static_cast<std::size_t>(std::ceil(fraction * n));
        index = std::clamp<std::size_t>(index, 1, samples_.size());
        return static_cast<double>(samples_[index - 1]) / 1e3;
    };
    result.p50_us = rank(0.50);
    result.p99_us = rank(0.99);
    result.p999_us = rank(0.999);
    result.max_us = static_cast<double>(samples_.back()) / 1e3;
    return result;
}

} // namespace heregoes::bench
