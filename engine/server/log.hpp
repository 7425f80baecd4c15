#pragma once

// Structured logs: one JSON object per line on stderr (or a sink a test supplies), with a time,
// a level, an event name and a few typed fields. The API takes fields, never free-form messages,
// and callers pass only fixed vocabulary (event names, error codes, counts, durations), so what
// a person types has no way into a log line.

#include <cstdint>
#include <functional>
#include <initializer_list>
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

    // Writes lines at `min` and above to `out` (stderr when empty). The sink is called under a
    // lock, one whole line (with its newline) per call.
    explicit logger(log_level min, sink out = {});

    // Writes one line: {"ts":"...","level":"info","event":"...",<fields>}.
    void
    write(log_level level, std::string_view event, std::initializer_list<log_field> fields = {});

    bool enabled(log_level level) const noexcept { return level >= min_; }

private:
    log_level min_;
    sink sink_;
    std::mutex mutex_;
};

} // namespace heregoes::server
