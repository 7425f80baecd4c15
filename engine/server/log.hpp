#pragma once

// Structured logs: one JSON object per line on stderr (or a sink a test supplies), with a time,
// a level, an event name and a few typed fields. Lines for a file descriptor go through a
// log_drain, so the thread that logs never waits on the descriptor. The API takes fields, never
// free-form messages, and callers pass only fixed vocabulary (event names, error codes, counts,
// durations), so what a person types has no way into a log line.

#include "engine/server/log_drain.hpp"

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace heregoes::server {

enum class log_level : std::uint8_t { debug, info, warn, error };

// Parses "debug", "info", "warn", "error".
std::optional<log_level> log_level_from_string(std::string_view name) noexcept;

struct log_field {
    std::string_view key;
    std::variant<std::int64_t, std::uint64_t, double, bool, std::string_view> value;

    log_field(std::string_view k, std::int64_t v)
        : key(k)
        , value(v) {}
    log_field(std::string_view k, std::uint64_t v)
        : key(k)
        , value(v) {}
    log_field(std::string_view k, int v)
        : key(k)
        , value(static_cast<std::int64_t>(v)) {}
    log_field(std::string_view k, unsigned v)
        : key(k)
        , value(static_cast<std::uint64_t>(v)) {}
    log_field(std::string_view k, double v)
        : key(k)
        , value(v) {}
    log_field(std::string_view k, bool v)
        : key(k)
        , value(v) {}
    log_field(std::string_view k, std::string_view v)
        : key(k)
        , value(v) {}
    log_field(std::string_view k, const char* v)
        : key(k)
        , value(std::string_view(v)) {}
};

class logger {
public:
    using sink = std::function<void(std::string_view line)>;

    // Writes lines at `min` and above to `out`, called under a lock with one whole line (with its
    // newline) per call; when `out` is empty, to stderr through a log_drain.
    explicit logger(log_level min, sink out = {});

    // Writes lines at `min` and above to `fd` (which stays the caller's) through a log_drain.
    logger(log_level min, int fd);

    // Writes one line: {"ts":"...","level":"info","event":"...",<fields>}.
    void
    write(log_level level, std::string_view event, std::initializer_list<log_field> fields = {});

    bool enabled(log_level level) const noexcept { return level >= min_; }

    // Waits until every line written before the call has reached the descriptor (at once for a
    // sink). For tests and orderly shutdown only: it waits as long as the descriptor blocks.
    void flush();

    // Lines lost because the descriptor fell too far behind (always 0 for a sink).
    std::uint64_t dropped_lines() const;

private:
    log_level min_;
    sink sink_;
    std::mutex mutex_;
    std::unique_ptr<log_drain> drain_;
};

} // namespace heregoes::server
