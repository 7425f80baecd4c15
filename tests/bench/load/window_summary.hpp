#pragma once

// The latency series as JSON (the `windows` array of bench_loadgen's result line) and the two
// readings run.sh prints after a soak: the worst windows by p99, and how many windows passed a
// p99 bound. Together they say whether a bad tail was one event or spread over the run.

#include "engine/core/expected.hpp"
#include "tests/bench/load/latency_windows.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <vector>

namespace heregoes::bench {

// One window as a JSON object (the fields of window_stats, under the same names).
nlohmann::json window_to_json(const window_stats& w);

// The `windows` array of a result line; an error names the first window (by JSON pointer) whose
// field is missing or not a number, or says that the line has no series.
heregoes::expected<std::vector<window_stats>> windows_from_result(const nlohmann::json& result);

// The `n` windows with the highest p99, highest first; ties keep the earlier window first.
std::vector<window_stats> worst_windows_by_p99(std::vector<window_stats> series, std::size_t n);

// How many windows had a p99 strictly above `bound_us`.
std::size_t windows_with_p99_over(const std::vector<window_stats>& series, double bound_us);

} // namespace heregoes::bench
