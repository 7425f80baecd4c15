// JSON log lines. The line is built outside the lock and written with one call, so lines from
// different threads never interleave.

#include "engine/server/log.hpp"

#include "adapters/web/server_frame.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>

#include <unistd.h>

namespace heregoes::server {

namespace {

constexpr std::string_view level_names[] = {"debug", "info", "warn", "error"};

std::string timestamp() {
    const auto now = std::chrono::system_clock::now();
    const auto seconds = std::chrono::system_clock::to_time_t(now);
    const auto millis =
        std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() %
        1000;
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    char buffer[64];
    std::snprintf(buffer,
                  sizeof buffer,
                  "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
                  tm.tm_year + 1900,
                  tm.tm_mon + 1,
                  tm.tm_mday,
                  tm.tm_hour,
                  tm.tm_min,
                  tm.tm_sec,
                  static_cast<int>(millis));
    return buffer;
}

void write_stderr(std::string_view line) {
    while (!line.empty()) {
        const auto n = ::write(STDERR_FILENO, line.data(), line.size());
        if (n <= 0) {
            return;
        }
        line.remove_prefix(static_cast<std::size_t>(n));
    }
}

} // namespace

std::optional<log_level> log_level_from_string(std::string_view name) noexcept {
    for (std::size_t i = 0; i < std::size(level_names); ++i) {
        if (level_names[i] == name) {
            return static_cast<log_level>(i);
        }
    }
    return std::nullopt;
}

logger::logger(log_level min, sink out)
    : min_(min)
    , sink_(out ? std::move(out) : sink(write_stderr)) {
}

void logger::write(log_level level,
                   std::string_view event,
                   std::initializer_list<log_field> fields) {
    if (!enabled(level)) {
        return;
    }
    std::string line = R"({"ts":")" + timestamp() + R"(","level":")";
    line += level_names[static_cast<std::size_t>(level)];
    line += R"(","event":)";
    web::append_json_string(line, event);
    for (const auto& f : fields) {
        line.push_back(',');
        web::append_json_string(line, f.key);
        line.push_back(':');
        std::visit(
            [&line](const auto& v) {
                using value = std::decay_t<decltype(v)>;
                if constexpr (std::is_same_v<value, bool>) {
                    line += v ? "true" : "false";
                } else if constexpr (std::is_same_v<value, std::string_view>) {
                    web::append_json_string(line, v);
                } else if constexpr (std::is_same_v<value, double>) {
                    char buffer[32];
                    std::snprintf(buffer, sizeof buffer, "%.6g", v);
                    line += buffer;
                } else {
                    line += std::to_string(v);
                }
            },
            f.value);
    }
    line += "}\n";
    std::lock_guard lock(mutex_);
    sink_(line);
}

} // namespace heregoes::server
