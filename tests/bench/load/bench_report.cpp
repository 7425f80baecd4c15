// bench_report: turns the JSON lines of one tests/bench/run.sh invocation into the one comparison
// table (Markdown, so it can be pasted into docs/performance.md). For each contender and each
// measured point it takes the median of the kept repeats; runs that run.sh marked as discarded
// (accept-queue overflows or TCP retransmits during the run) are left out and counted. Exit status
// 0 when every contender produced at least one kept run of every phase it was asked for and no
// kept run had errors. `bench_report --peak LABEL FILE` prints only LABEL's saturation: the highest
// closed-loop median turns/s over the session counts (run.sh uses it to choose the offered rates).
// `bench_report --windows FILE` prints, for every result line with a latency series (the soak),
// its worst windows by p99 and how many windows passed 100 ms, so a reader sees at once whether a
// bad tail was one event or spread over the run.

#include "tests/bench/load/window_summary.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace {

using nlohmann::json;

// The contenders in table order; the ratios compare the first with the other two. A contender with
// no result line at all was not asked for (run.sh reports a server that failed to start itself).
const std::vector<std::string> contenders = {"engine", "echo", "node"};

struct runs {
    std::vector<json> kept;
    std::vector<json> discarded;

    // The runs a point is reported from: the kept ones, or, when every repeat was discarded (on a
    // shared machine other tenants' traffic also shows as retransmits), the discarded ones,
    // marked with † in the table so the reader knows.
    const std::vector<json>& used() const { return kept.empty() ? discarded : kept; }
};

// Median of one numeric field over the kept runs, or nothing when no run has it.
std::optional<double> median(const runs& r, const char* field) {
    std::vector<double> values;
    for (const auto& run : r.used()) {
        if (run.contains(field) && run[field].is_number()) {
            values.push_back(run[field].get<double>());
        }
    }
    if (values.empty()) {
        return std::nullopt;
    }
    std::sort(values.begin(), values.end());
    const auto n = values.size();
    return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2.0;
}

// Smallest and largest value of a field over the kept runs, for the spread column.
std::string spread(const runs& r, const char* field, int decimals) {
    std::vector<double> values;
    for (const auto& run : r.used()) {
        if (run.contains(field) && run[field].is_number()) {
            values.push_back(run[field].get<double>());
        }
    }
    if (values.size() < 2) {
        return "";
    }
    const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
    char text[64];
    std::snprintf(text, sizeof text, " (%.*f–%.*f)", decimals, *lo, decimals, *hi);
    return text;
}

// How many of a soak's windows the summary lists, worst p99 first: enough to see whether the tail
// is one event (one or two bad windows) or spread out, short enough to read at a glance.
constexpr std::size_t worst_window_count = 5;

// A window whose p99 passes this is a bad window: 100 ms is over 10 times the engine's healthy
// soak p99 at 5,000 turns/s on this machine, and a person waiting that long starts to notice.
constexpr double slow_window_p99_us = 100'000;

// "HH:MM:SS" (UTC) of a moment given as seconds since the epoch, to match the servers' logs.
std::string utc_clock(double unix_s) {
    const auto t = static_cast<std::time_t>(unix_s);
    std::tm parts{};
    gmtime_r(&t, &parts);
    char text[16];
    std::strftime(text, sizeof text, "%H:%M:%S", &parts);
    return text;
}

// Prints the soak summary of every result line in `in` that carries a latency series; returns
// how many such lines there were.
std::size_t print_window_summaries(std::istream& in) {
    std::size_t printed = 0;
    std::string line;
    while (std::getline(in, line)) {
        json run;
        try {
            run = json::parse(line);
        } catch (const json::parse_error&) {
            continue; // not a result line
        }
        auto series = heregoes::bench::windows_from_result(run);
        if (!series) {
            if (run.is_object() && run.contains("windows")) {
                std::cerr << "bench_report: " << series.error().to_string() << "\n";
            }
            continue;
        }
        ++printed;
        const std::string label = run.value("label", "");
        const double start_unix = run.value("windows_start_unix_s", 0.0);
        const auto worst = heregoes::bench::worst_windows_by_p99(*series, worst_window_count);
        std::printf("  %s: worst %zu of %zu windows of %.0f s by p99 (latency by intended send "
                    "time; replies and errors by arrival):\n",
                    label.c_str(),
                    worst.size(),
                    series->size(),
                    run.value("window_seconds", 0.0));
        std::printf("    %8s %8s %10s %10s %10s %7s %7s %7s %11s %10s\n",
                    "start s",
                    "UTC",
                    "p50 ms",
                    "p99 ms",
                    "max ms",
                    "due",
                    "replies",
                    "errors",
                    "outstanding",
                    "oldest ms");
        for (const auto& w : worst) {
            std::printf("    %8.0f %8s %10.1f %10.1f %10.1f %7llu %7llu %7llu %11llu %10.0f\n",
                        w.start_s,
                        start_unix > 0 ? utc_clock(start_unix + w.start_s).c_str() : "-",
                        w.p50_us / 1e3,
                        w.p99_us / 1e3,
                        w.max_us / 1e3,
                        static_cast<unsigned long long>(w.due),
                        static_cast<unsigned long long>(w.replies),
                        static_cast<unsigned long long>(w.errors),
                        static_cast<unsigned long long>(w.outstanding),
                        w.oldest_outstanding_ms);
        }
        std::printf("  %s: %zu of %zu windows had p99 over %.0f ms\n",
                    label.c_str(),
                    heregoes::bench::windows_with_p99_over(*series, slow_window_p99_us),
                    series->size(),
                    slow_window_p99_us / 1e3);
    }
    return printed;
}

std::string number(std::optional<double> value, int decimals) {
    if (!value) {
        return "—";
    }
    char text[64];
    std::snprintf(text, sizeof text, "%.*f", decimals, *value);
    return text;
}

std::string ratio(std::optional<double> a, std::optional<double> b) {
    if (!a || !b || *b == 0.0) {
        return "—";
    }
    char text[32];
    std::snprintf(text, sizeof text, "%.2f×", *a / *b);
    return text;
}

// Key of a measured point: mode plus the parameter that varies within the mode.
std::string point_key(const json& run) {
    const std::string mode = run.value("mode", "");
    if (mode == "closed") {
        return "closed/" + std::to_string(run.value("sessions", 0));
    }
    if (mode == "open") {
        return "open/" + std::to_string(std::lround(run.value("offered_rate", 0.0)));
    }
    return mode;
}

} // namespace

int main(int argc, char** argv) {
    std::string peak_label;
    bool windows = false;
    if (argc == 4 && std::string(argv[1]) == "--peak") {
        peak_label = argv[2];
    } else if (argc == 3 && std::string(argv[1]) == "--windows") {
        windows = true;
    } else if (argc != 2) {
        std::cerr << "usage: bench_report RESULTS.jsonl | bench_report --peak LABEL RESULTS.jsonl"
                     " | bench_report --windows RESULTS.jsonl\n";
        return 2;
    }
    const char* path = argv[argc - 1];
    std::ifstream in(path);
    if (!in) {
        std::cerr << "bench_report: cannot open " << path << "\n";
        return 2;
    }
    if (windows) {
        if (print_window_summaries(in) == 0) {
            std::cerr << "bench_report: no result line in " << path << " has a latency series\n";
            return 1;
        }
        return 0;
    }
    // label -> point -> runs
    std::map<std::string, std::map<std::string, runs>> table;
    std::set<long> closed_sessions;
    std::set<long> open_rates;
    std::vector<std::string> discard_notes;
    std::string line;
    while (std::getline(in, line)) {
        json run;
        try {
            run = json::parse(line);
        } catch (const json::parse_error&) {
            continue; // not a result line
        }
        if (!run.is_object() || run.value("tool", "") != "bench_loadgen") {
            continue;
        }
        const std::string label = run.value("label", "");
        const std::string key = point_key(run);
        auto& r = table[label][key];
        if (run.value("mode", "") == "closed") {
            closed_sessions.insert(run.value("sessions", 0L));
        }
        if (run.value("mode", "") == "open") {
            open_rates.insert(std::lround(run.value("offered_rate", 0.0)));
        }
        if (run.contains("discarded")) {
            r.discarded.push_back(run);
            discard_notes.push_back(label + " " + key + ": " + run["discarded"].dump());
        } else {
            r.kept.push_back(run);
        }
    }

    const auto get = [&](const std::string& label, const std::string& key, const char* field) {
        auto l = table.find(label);
        if (l == table.end()) {
            return std::optional<double>{};
        }
        auto p = l->second.find(key);
        return p == l->second.end() ? std::optional<double>{} : median(p->second, field);
    };
    if (!peak_label.empty()) {
        std::optional<double> peak;
        for (long n : closed_sessions) {
            const auto v = get(peak_label, "closed/" + std::to_string(n), "turns_per_s");
            if (v && (!peak || *v > *peak)) {
                peak = v;
            }
        }
        if (!peak) {
            std::cerr << "bench_report: no kept closed-loop run for " << peak_label << "\n";
            return 1;
        }
        std::cout << std::lround(*peak) << "\n";
        return 0;
    }
    const auto cell =
        [&](const std::string& label, const std::string& key, const char* field, int decimals) {
            auto l = table.find(label);
            if (l == table.end() || !l->second.count(key)) {
                return std::string("—");
            }
            const auto& r = l->second.at(key);
            return number(median(r, field), decimals) + spread(r, field, decimals) +
                   (r.kept.empty() ? " †" : "");
        };
    const auto row = [&](const std::string& name, auto&& value_of) {
        std::cout << "| " << name;
        for (const auto& c : contenders) {
            std::cout << " | " << value_of(c);
        }
        std::cout << " |\n";
    };
    const auto ratio_row = [&](const std::string& name, const std::string& key, const char* f) {
        std::cout << "| " << name << " | engine/echo "
                  << ratio(get("engine", key, f), get("echo", key, f)) << " | engine/node "
                  << ratio(get("engine", key, f), get("node", key, f)) << " | |\n";
    };

    std::cout << "| measure (median of kept repeats, min–max) | engine | echo | node |\n"
              << "|---|---|---|---|\n";
    for (long n : closed_sessions) {
        const auto key = "closed/" + std::to_string(n);
        row("turns/s, closed loop, " + std::to_string(n) + " sessions",
            [&](const std::string& c) { return cell(c, key, "turns_per_s", 0); });
        row("server CPU-µs per turn, " + std::to_string(n) + " sessions",
            [&](const std::string& c) { return cell(c, key, "server_cpu_us_per_turn", 1); });
        row("load-generator CPU %, " + std::to_string(n) + " sessions",
            [&](const std::string& c) { return cell(c, key, "client_cpu_pct", 0); });
        row("frames per turn, " + std::to_string(n) + " sessions",
            [&](const std::string& c) { return cell(c, key, "frames_per_turn", 2); });
        ratio_row("ratio turns/s, " + std::to_string(n) + " sessions", key, "turns_per_s");
        ratio_row(
            "ratio CPU-µs/turn, " + std::to_string(n) + " sessions", key, "server_cpu_us_per_turn");
    }
    for (long rate : open_rates) {
        const auto key = "open/" + std::to_string(rate);
        const auto label = "open loop " + std::to_string(rate) + "/s: ";
        row(label + "achieved turns/s",
            [&](const std::string& c) { return cell(c, key, "achieved_rate", 0); });
        row(label + "p50 µs", [&](const std::string& c) { return cell(c, key, "p50_us", 0); });
        row(label + "p99 µs", [&](const std::string& c) { return cell(c, key, "p99_us", 0); });
        row(label + "p99.9 µs", [&](const std::string& c) { return cell(c, key, "p999_us", 0); });
        row(label + "max µs", [&](const std::string& c) { return cell(c, key, "max_us", 0); });
        const auto e = get("engine", key, "p99_us");
        const auto x = get("echo", key, "p99_us");
        std::cout << "| " << label << "engine p99 − echo p99 µs | "
                  << (e && x ? number(*e - *x, 0) : "—") << " | | |\n";
    }
    row("KB per idle session (RSS delta / sessions)",
        [&](const std::string& c) { return cell(c, "idle", "kib_per_session", 2); });
    row("KB per idle session, marginal (last 90%)",
        [&](const std::string& c) { return cell(c, "idle", "kib_per_session_marginal", 2); });
    row("idle sessions opened / errors", [&](const std::string& c) {
        return number(get(c, "idle", "opened"), 0) + " / " + number(get(c, "idle", "errors"), 0);
    });
    ratio_row("ratio KB per idle session", "idle", "kib_per_session");
    row("sessions/s (connect, upgrade, first bot message)",
        [&](const std::string& c) { return cell(c, "connect", "sessions_per_s", 0); });
    row("session creation p50 / p99 µs", [&](const std::string& c) {
        return number(get(c, "connect", "p50_us"), 0) + " / " +
               number(get(c, "connect", "p99_us"), 0);
    });
    ratio_row("ratio sessions/s", "connect", "sessions_per_s");

    std::size_t missing = 0;
    std::size_t errors = 0;
    for (const auto& c : contenders) {
        if (!table.count(c)) {
            continue;
        }
        for (const auto& [key, r] : table.at(c)) {
            if (r.used().empty()) {
                ++missing;
            }
            for (const auto& run : r.used()) {
                errors += run.value("errors", std::size_t{0});
            }
        }
    }
    for (const auto& note : discard_notes) {
        std::cout << "discarded: " << note << "\n";
    }
    std::cout << "† every repeat of this point had TCP retransmits or accept-queue overflows "
                 "somewhere on the machine; shown from the discarded runs\n"
              << "errors in reported runs: " << errors << "\n";
    return missing == 0 && errors == 0 ? 0 : 1;
}
