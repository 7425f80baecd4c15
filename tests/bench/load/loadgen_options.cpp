// Parses "--name value" pairs into loadgen_options. Numbers are checked whole (no trailing junk)
// and against sensible ranges, so a typo in run.sh fails loudly instead of measuring nonsense.

#include "tests/bench/load/loadgen_options.hpp"

#include <charconv>
#include <string_view>

namespace heregoes::bench {
namespace {

// Largest session count the generator accepts; far above what one loopback client can hold
// (about 28k ephemeral ports) but it guards against a typo asking for millions of sockets.
constexpr std::size_t max_sessions = 100000;

template <class T>
bool parse_number(std::string_view text, T& out) {
    const auto* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, out);
    return ec == std::errc{} && ptr == end;
}

// Shortest window of the latency series: a shorter one holds too few turns at benchmark rates
// for its p99 to mean anything, and a 3,600 s run cut finer would be tens of thousands of windows.
constexpr double min_window_seconds = 0.1;

bool parse_seconds(std::string_view text, double& out) {
    // from_chars for double is available in libstdc++ 11+.
    return parse_number(text, out) && out >= 0.0 && out < 3600.0;
}

} // namespace

const char* usage() {
    return "usage: bench_loadgen --port N --walk FILE [options]\n"
           "  --mode closed|open|idle|connect   what to measure (default closed)\n"
           "  --protocol v1|echo                v1: turn ends at \"await\":true; echo: one frame\n"
           "  --host ADDR --target PATH         default 127.0.0.1 and /ws\n"
           "  --sessions N                      sessions held open (default 100)\n"
           "  --warmup S --measure S            closed/open windows in seconds (default 1, 3)\n"
           "  --rate R                          open: offered turns/s across all sessions\n"
           "  --connect-total N                 connect: sessions to create (default 2000)\n"
           "  --in-flight N                     connects in progress at once (default 200)\n"
           "  --hold S                          idle: hold before reading memory (default 2)\n"
           "  --server-pid PID                  read the server's CPU and memory from /proc\n"
           "  --label TEXT                      copied into the JSON result line\n"
           "  --window-seconds S                open: latency series in windows of S seconds\n"
           "  --progress FILE                   append one progress line a second to FILE\n";
}

heregoes::expected<loadgen_options> parse_options(int argc, char** argv) {
    loadgen_options o;
    for (int i = 1; i < argc; ++i) {
        const std::string_view name = argv[i];
        if (i + 1 >= argc) {
            return fail("bad_option", "option needs a value (or is unknown)", std::string(name));
        }
        const std::string_view value = argv[++i];
        bool ok = true;
        if (name == "--host") {
            o.host = value;
        } else if (name == "--port") {
            ok = parse_number(value, o.port) && o.port != 0;
        } else if (name == "--target") {
            o.target = value;
        } else if (name == "--walk") {
            o.walk_path = value;
        } else if (name == "--label") {
            o.label = value;
        } else if (name == "--mode") {
            if (value == "closed") {
                o.mode = run_mode::closed;
            } else if (value == "open") {
                o.mode = run_mode::open;
            } else if (value == "idle") {
                o.mode = run_mode::idle;
            } else if (value == "connect") {
                o.mode = run_mode::connect;
            } else {
                ok = false;
            }
        } else if (name == "--protocol") {
            if (value == "v1") {
                o.protocol = protocol_kind::v1;
            } else if (value == "echo") {
                o.protocol = protocol_kind::echo;
            } else {
                ok = false;
            }
        } else if (name == "--sessions") {
            ok = parse_number(value, o.sessions) && o.sessions > 0 && o.sessions <= max_sessions;
        } else if (name == "--connect-total") {
            ok = parse_number(value, o.connect_total) && o.connect_total > 0 &&
                 o.connect_total <= max_sessions;
        } else if (name == "--in-flight") {
            ok = parse_number(value, o.in_flight) && o.in_flight > 0;
        } else if (name == "--warmup") {
            ok = parse_seconds(value, o.warmup_s);
        } else if (name == "--measure") {
            ok = parse_seconds(value, o.measure_s) && o.measure_s > 0.0;
        } else if (name == "--hold") {
            ok = parse_seconds(value, o.hold_s);
        } else if (name == "--rate") {
            ok = parse_number(value, o.rate) && o.rate > 0.0;
        } else if (name == "--window-seconds") {
            ok = parse_seconds(value, o.window_seconds) && o.window_seconds >= min_window_seconds;
        } else if (name == "--progress") {
            o.progress_path = value;
            ok = !value.empty();
        } else if (name == "--server-pid") {
            ok = parse_number(value, o.server_pid) && o.server_pid > 0;
        } else {
            return fail("bad_option", "unknown option", std::string(name));
        }
        if (!ok) {
            return fail(
                "bad_option", "invalid value '" + std::string(value) + "'", std::string(name));
        }
    }
    if (o.port == 0) {
        return fail("bad_option", "--port is required");
    }
    if (o.walk_path.empty()) {
        return fail("bad_option", "--walk is required");
    }
    if (o.mode == run_mode::open && o.rate <= 0.0) {
        return fail("bad_option", "open mode needs --rate", "--rate");
    }
    if (o.window_seconds > 0.0 && o.mode != run_mode::open) {
        return fail("bad_option",
                    "only open mode keeps a latency series; drop it or add --mode open",
                    "--window-seconds");
    }
    return o;
}

} // namespace heregoes::bench
