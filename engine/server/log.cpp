// JSON log lines. The line is built outside any lock and handed over whole (to the drain's queue,
// or to a test's sink under the lock), so lines from different threads never interleave.

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

// One whole line: {"ts":"...","level":"...","event":"...",<fields>} and a newline.
std::string
format_line(log_level level, std::string_view event, std::initializer_list<log_field> fields) {
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
    return line;
}

// The line a drain writes after it had to drop lines, so a reader of the log knows they are gone.
std::string dropped_notice(std::uint64_t dropped) {
    return format_line(log_level::warn, "log_lines_dropped", {{"count", dropped}});
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
    , sink_(std::move(out)) {
    if (!sink_) {
        drain_ = std::make_unique<log_drain>(STDERR_FILENO, dropped_notice);
    }
}

logger::logger(log_level min, int fd)
    : min_(min)
    , drain_(std::make_unique<log_drain>(fd, dropped_notice)) {
}

void logger::write(log_level level,
                   std::string_view event,
                   std::initializer_list<log_field> fields) {
    if (!enabled(level)) {
        return;
    }
    auto line = format_line(level, event, fields);
    if (drain_) {
        drain_->push(std::move(line));
        return;
    }
    std::lock_guard lock(mutex_);
    sink_(line);
}

void logger::flush() {
    if (drain_) {
        drain_->flush();
    }
}

std::uint64_t logger::dropped_lines() const {
    return drain_ ? drain_->dropped() : 0;
}

} // namespace heregoes::server
