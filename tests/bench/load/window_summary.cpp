// JSON for the latency series, and the soak summary's selections over it. The parse side exists
// for bench_report, which reads the result line back; nlohmann's exceptions stop at this boundary.

#include "tests/bench/load/window_summary.hpp"

#include <algorithm>
#include <string>
#include <type_traits>

namespace heregoes::bench {
namespace {

// The window_stats fields in JSON order, with their JSON names.
template <class F>
void for_each_field(window_stats& w, F&& f) {
    f("start_s", w.start_s);
    f("length_s", w.length_s);
    f("due", w.due);
    f("samples", w.samples);
    f("p50_us", w.p50_us);
    f("p99_us", w.p99_us);
    f("max_us", w.max_us);
    f("sent", w.sent);
    f("replies", w.replies);
    f("errors", w.errors);
    f("outstanding", w.outstanding);
    f("oldest_outstanding_ms", w.oldest_outstanding_ms);
}

} // namespace

nlohmann::json window_to_json(const window_stats& w) {
    nlohmann::json out = nlohmann::json::object();
    auto copy = w;
    for_each_field(copy, [&out](const char* name, auto value) { out[name] = value; });
    return out;
}

heregoes::expected<std::vector<window_stats>> windows_from_result(const nlohmann::json& result) {
    if (!result.is_object() || !result.contains("windows") || !result["windows"].is_array()) {
        return fail("no_windows",
                    "the result line has no latency series (run bench_loadgen in open mode with "
                    "--window-seconds)",
                    "#/windows");
    }
    std::vector<window_stats> series;
    const auto& array = result["windows"];
    for (std::size_t i = 0; i < array.size(); ++i) {
        const auto& item = array[i];
        window_stats w;
        std::string bad;
        for_each_field(w, [&](const char* name, auto& field) {
            if (!bad.empty()) {
                return;
            }
            if (!item.is_object() || !item.contains(name) || !item[name].is_number()) {
                bad = name;
                return;
            }
            field = item[name].get<std::remove_reference_t<decltype(field)>>();
        });
        if (!bad.empty()) {
            return fail("bad_window",
                        "a window lacks the number '" + bad + "'",
                        "#/windows/" + std::to_string(i) + "/" + bad);
        }
        series.push_back(w);
    }
    return series;
}

std::vector<window_stats> worst_windows_by_p99(std::vector<window_stats> series, std::size_t n) {
    std::stable_sort(
        series.begin(), series.end(), [](const window_stats& a, const window_stats& b) {
            return a.p99_us > b.p99_us;
        });
    series.resize(std::min(n, series.size()));
    return series;
}

std::size_t windows_with_p99_over(const std::vector<window_stats>& series, double bound_us) {
    return static_cast<std::size_t>(
        std::count_if(series.begin(), series.end(), [bound_us](const window_stats& w) {
            return w.p99_us > bound_us;
        }));
}

} // namespace heregoes::bench
