// Reads /proc/<pid>/stat, /proc/<pid>/status and /proc/meminfo. Fields are parsed by position or
// by key exactly as proc(5) documents them; a missing process or file gives an empty result rather
// than an error, because a contender that exits mid-run is reported by the caller anyway.

#include "tests/bench/load/proc_stats.hpp"

#include <fstream>
#include <sstream>
#include <string>

#include <sys/resource.h>
#include <unistd.h>

namespace heregoes::bench {
namespace {

// Value in KiB of the line "<key>:   <n> kB" in a /proc file, or nothing.
std::optional<std::int64_t> kib_field(const std::string& path, const std::string& key) {
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind(key + ":", 0) == 0) {
            std::istringstream fields(line.substr(key.size() + 1));
            std::int64_t value = 0;
            if (fields >> value) {
                return value;
            }
        }
    }
    return std::nullopt;
}

} // namespace

std::optional<double> process_cpu_seconds(int pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string all;
    if (!std::getline(in, all)) {
        return std::nullopt;
    }
    // The command name (field 2) may hold spaces; every later field follows the last ')'.
    const auto close = all.rfind(')');
    if (close == std::string::npos) {
        return std::nullopt;
    }
    std::istringstream fields(all.substr(close + 2));
    std::string skip;
    // Fields 3..13 come before utime (14) and stime (15).
    for (int i = 3; i <= 13; ++i) {
        fields >> skip;
    }
    unsigned long long utime = 0;
    unsigned long long stime = 0;
    if (!(fields >> utime >> stime)) {
        return std::nullopt;
    }
    return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

std::optional<std::int64_t> process_rss_kib(int pid) {
    return kib_field("/proc/" + std::to_string(pid) + "/status", "VmRSS");
}

std::optional<std::int64_t> machine_slab_kib() {
    return kib_field("/proc/meminfo", "Slab");
}

double own_cpu_seconds() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    const auto seconds = [](const timeval& t) {
        return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
    };
    return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

} // namespace heregoes::bench
