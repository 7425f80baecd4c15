// bench_report: turns the JSON lines of one tests/bench/run.sh invocation into the one comparison
// table (Markdown, so it can be pasted into docs/performance.md). For each contender and each
// measured point it takes the median of the kept repeats; runs that run.sh marked as discarded
// (accept-queue overflows or TCP retransmits during the run) are left out and counted. Exit status
// 0 when every contender produced at least one kept run of every phase it was asked for and no
// kept run had errors. `bench_report --peak LABEL FILE` prints only LABEL's saturation: the highest
// closed-loop median turns/s over the session counts (run.sh uses it to choose the offered rates).

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
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
    if (argc == 4 && std::string(argv[1]) == "--peak") {
        peak_label = argv[2];
    } else if (argc != 2) {
        std::cerr
            << "usage: bench_report RESULTS.jsonl | bench_report --peak LABEL RESULTS.jsonl\n";
        return 2;
    }
    const char* path = argv[argc - 1];
    std::ifstream in(path);
    if (!in) {
        std::cerr << "bench_report: cannot open " << path << "\n";
        return 2;
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
