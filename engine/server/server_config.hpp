#pragma once

// The configuration of `heregoes serve`: every setting the server has, with its default, its
// bounds and the reason for the default. Settings come, in order of precedence, from command-line
// flags, then environment variables, then a JSON file (--config FILE), then the defaults below,
// which are safe for a public deployment on their own. One table (`settings()`) describes them
// all, so the JSON keys, flags, environment names and `serve --help` can never drift apart.

#include "engine/core/expected.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace heregoes::server {

struct server_config {
    // --- listening ---
    // Loopback by default: a public deployment sits behind a reverse proxy (deploy/nginx.conf)
    // that terminates TLS; set 0.0.0.0 to serve other hosts directly.
    std::string address = "127.0.0.1";
    std::uint64_t port = 8080;
    // Network threads, each running its own io_context; 0 means one per core (the fastest shape on
    // Linux: see performance.md §4).
    std::uint64_t threads = 0;

    // --- content ---
    std::string dialogs_dir = "./dialogs";
    std::string default_dialog = "first-session";
    std::string default_locale = "en";
    std::string widget_dir = "./adapters/web/widget";
    // Deployment variables of the dialogs (practice_name, chat_is_read, ...), filled at load time.
    std::map<std::string, std::string, std::less<>> practice;
    // Folder of the safety layer's pattern packs, messages and resources; empty means
    // <dialogs_dir>/safety.
    std::string safety_dir;
    // Region whose crisis resources the safety layer shows ("US", "UK", ...).
    std::string safety_region = "US";
    // A JSON file replacing the built-in crisis resources; empty uses the built-in ones.
    std::string safety_resources_file;
    // Start even when a resource entry is past its review date. Only for an operator who has
    // re-checked the numbers and is updating the file.
    bool allow_expired_resources = false;

    // --- store ---
    std::string store = "sqlite"; // "sqlite" or "memory"
    std::string db_path = "./data/heregoes.db";
    std::string db_sync = "normal"; // "normal" (survives kill -9) or "full" (survives power loss)
    // A session nobody touched for this long is erased: long enough to come back to between
    // booking and the first appointment, short enough not to keep what is no longer needed.
    std::uint64_t session_ttl_days = 30;
    // How often expired sessions and transcripts are purged.
    std::uint64_t purge_interval_seconds = 3600;
    // Keep what people type (sealed) only when the deployment opted in, and only this long.
    bool transcripts = false;
    std::uint64_t transcript_retention_days = 30;

    // --- limits ---
    // Largest WebSocket message read (Beast's read_message_max): a chat line is short, and a
    // bigger frame is refused from its header (close 1009) before its payload is read.
    std::uint64_t max_frame_bytes = 4096;
    // Longest free text, in characters: more than anyone types into a chat box in one go.
    std::uint64_t max_text_chars = 1000;
    // Frames held while the connection's turn waits for the store: enough for a person clicking
    // ahead, small enough that a flood is answered with rate_limited instead of buffered.
    std::uint64_t max_queued_frames = 8;
    // Per-connection token bucket: a person sends a message every few seconds, and a burst covers
    // quick replies clicked in a row.
    double connection_rate_per_second = 2;
    std::uint64_t connection_burst = 10;
    // Per-address bucket: several people (a clinic, a school) may share one address behind NAT.
    double ip_rate_per_second = 20;
    std::uint64_t ip_burst = 60;
    // Connections from one address: a few tabs each for a shared address.
    std::uint64_t max_connections_per_ip = 32;
    // Connections in all: beyond this, new ones are refused rather than slowing every session.
    std::uint64_t max_connections = 20000;
    // Bad frames (malformed or rate-limited) a connection may send before it is closed with 1008;
    // one strike is forgiven every strike_forgive_seconds.
    std::uint64_t abuse_strikes = 10;
    std::uint64_t strike_forgive_seconds = 10;
    // Time to send a complete HTTP request (and to finish the WebSocket handshake): a slowloris
    // client trickling headers is dropped after this, without touching anyone else.
    std::uint64_t handshake_timeout_ms = 10000;
    // A WebSocket connection that completes no message for this long is closed; the widget
    // resumes with its token when the person comes back.
    std::uint64_t idle_timeout_seconds = 900;
    // Time SIGTERM gives turns in flight and the store to finish before the process exits anyway.
    std::uint64_t drain_timeout_ms = 5000;

    // --- origins and proxies ---
    // Origins (scheme://host[:port]) whose pages may open the WebSocket: the practice sites that
    // embed the widget.
    std::vector<std::string> allowed_origins;
    // Also accept the server's own origin (the demo page it serves).
    bool allow_same_origin = true;
    // Accept WebSocket handshakes without an Origin header (non-browser clients).
    bool allow_missing_origin = true;
    // Peers (IP or CIDR) whose X-Forwarded-For is believed; everyone else's is ignored.
    std::vector<std::string> trusted_proxies;

    // --- logs ---
    std::string log_level = "info"; // "debug", "info", "warn" or "error"
};

// One field of server_config a setting reads and writes.
struct uint_field {
    std::uint64_t server_config::*member;
    std::uint64_t min;
    std::uint64_t max;
};
struct double_field {
    double server_config::*member;
    double min;
    double max;
};
struct bool_field {
    bool server_config::*member;
};
struct string_field {
    std::string server_config::*member;
    std::vector<std::string_view> allowed; // empty: any value
};
struct list_field {
    std::vector<std::string> server_config::*member;
};
struct map_field {
    std::map<std::string, std::string, std::less<>> server_config::*member;
};

// One setting: its JSON key ("limits.max_frame_bytes", nested objects in the file), its name
// ("max_frame_bytes", unique) from which the flag (--max-frame-bytes) and the environment
// variable (HEREGOES_MAX_FRAME_BYTES) are made, and one line of help.
struct setting {
    std::string_view key;
    std::string_view name;
    std::string_view help;
    std::variant<uint_field, double_field, bool_field, string_field, list_field, map_field> field;

    std::string flag() const;     // "--max-frame-bytes"
    std::string env_name() const; // "HEREGOES_MAX_FRAME_BYTES"
};

// Every setting, in the order `serve --help` lists them.
const std::vector<setting>& settings();

// Applies a JSON configuration document; an unknown key or a wrong type is an error naming
// `source#/json/pointer`.
expected<void> apply_json(server_config& config, std::string_view text, std::string_view source);

// Applies HEREGOES_* environment variables read through `getenv` (lists are comma-separated;
// the practice map is not settable this way).
expected<void> apply_environment(server_config& config,
                                 const std::function<const char*(const char*)>& getenv);

// What the command line asked for besides settings.
struct command_line {
    bool help = false;
    std::string config_file; // --config FILE
};

// Applies flags (`--port 9000`, `--port=9000`, `--practice name=value` repeatable). Returns
// --help and --config separately; an unknown flag is an error.
expected<command_line> apply_flags(server_config& config, std::span<const std::string> args);

// Cross-setting checks (e.g. origins are well formed, proxies parse); run after everything applied.
expected<void> validate(const server_config& config);

// Builds the configuration from defaults, the file (--config, else HEREGOES_CONFIG when set), the
// environment and the flags, in that order of increasing precedence; then validates it.
struct loaded_config {
    server_config config;
    bool help = false;
};
expected<loaded_config> load_config(std::span<const std::string> args,
                                    const std::function<const char*(const char*)>& getenv);

// Writes the `serve --help` text: usage, precedence, then every setting with its default.
void print_help(std::ostream& out);

// The effective configuration as one JSON object (for the startup log line).
std::string to_json(const server_config& config);

} // namespace heregoes::server
