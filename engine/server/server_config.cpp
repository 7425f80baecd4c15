// The settings table of `heregoes serve` and the three ways to fill it (JSON file, environment,
// flags). Every setting is listed once, below, with the JSON key, name and help line; parsing,
// `--help` and the startup log all read this one table.

#include "engine/server/server_config.hpp"

#include "engine/server/address_match.hpp"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace heregoes::server {

namespace {

using json = nlohmann::json;
using sc = server_config;

// Largest configuration file read: a real one is a few KiB.
constexpr std::size_t max_config_file_bytes = 1024 * 1024;

const std::vector<setting> all_settings = {
    {"listen.address",
     "address",
     "IP address to listen on (0.0.0.0 for every interface).",
     string_field{&sc::address, {}}},
    {"listen.port",
     "port",
     "TCP port for HTTP and the WebSocket (0 picks a free port).",
     uint_field{&sc::port, 0, 65535}},
    {"listen.threads",
     "threads",
     "Network threads, one io_context each; 0 = one per core.",
     uint_field{&sc::threads, 0, 256}},
    {"dialogs.dir",
     "dialogs_dir",
     "Folder of dialog graph files (strings under strings/<locale>/).",
     string_field{&sc::dialogs_dir, {}}},
    {"dialogs.default_dialog",
     "default_dialog",
     "Dialog a start frame without \"dialog\" runs.",
     string_field{&sc::default_dialog, {}}},
    {"dialogs.default_locale",
     "default_locale",
     "Locale a start frame without \"locale\" uses.",
     string_field{&sc::default_locale, {}}},
    {"widget.dir",
     "widget_dir",
     "Folder holding widget.js, widget.css and the demo index.html.",
     string_field{&sc::widget_dir, {}}},
    {"practice",
     "practice",
     "Deployment variables of the dialogs, e.g. practice_name, chat_is_read (flag: --practice "
     "name=value, repeatable).",
     map_field{&sc::practice}},
    {"safety.dir",
     "safety_dir",
     "Folder of the safety patterns, messages and resources; empty: <dialogs_dir>/safety.",
     string_field{&sc::safety_dir, {}}},
    {"safety.region",
     "safety_region",
     "Region whose crisis resources are shown (e.g. US, UK).",
     string_field{&sc::safety_region, {}}},
    {"safety.resources_file",
     "safety_resources_file",
     "JSON file replacing the built-in crisis resources; empty uses the built-in ones.",
     string_field{&sc::safety_resources_file, {}}},
    {"safety.allow_expired_resources",
     "allow_expired_resources",
     "Start even if a crisis resource is past its review date (only while updating it).",
     bool_field{&sc::allow_expired_resources}},
    {"store.kind",
     "store",
     "Session store: sqlite (durable, one file) or memory (lost on exit).",
     string_field{&sc::store, {"sqlite", "memory"}}},
    {"store.path",
     "db_path",
     "SQLite file; its folder is created if missing.",
     string_field{&sc::db_path, {}}},
    {"store.sync",
     "db_sync",
     "normal: survives kill -9; full: also survives power loss (slower).",
     string_field{&sc::db_sync, {"normal", "full"}}},
    {"store.session_ttl_days",
     "session_ttl_days",
     "Erase sessions idle for this many days.",
     uint_field{&sc::session_ttl_days, 1, 3650}},
    {"store.purge_interval_seconds",
     "purge_interval_seconds",
     "How often expired sessions and transcripts are purged.",
     uint_field{&sc::purge_interval_seconds, 1, 86400}},
    {"transcripts.enabled",
     "transcripts",
     "Keep what people type, sealed, for review (off unless the deployment opted in).",
     bool_field{&sc::transcripts}},
    {"transcripts.retention_days",
     "transcript_retention_days",
     "Erase kept transcript lines after this many days.",
     uint_field{&sc::transcript_retention_days, 1, 3650}},
    {"limits.max_frame_bytes",
     "max_frame_bytes",
     "Largest WebSocket message; bigger ones close the connection with 1009.",
     uint_field{&sc::max_frame_bytes, 256, 1024 * 1024}},
    {"limits.max_text_chars",
     "max_text_chars",
     "Longest free text, in characters (too_large).",
     uint_field{&sc::max_text_chars, 1, 100000}},
    {"limits.max_queued_frames",
     "max_queued_frames",
     "Frames held while a turn waits for the store; more get rate_limited.",
     uint_field{&sc::max_queued_frames, 1, 1024}},
    {"limits.connection_rate_per_second",
     "connection_rate_per_second",
     "Frames per second one connection may send, on average.",
     double_field{&sc::connection_rate_per_second, 0.01, 1e9}},
    {"limits.connection_burst",
     "connection_burst",
     "Frames one connection may send at once.",
     uint_field{&sc::connection_burst, 1, 1000000000}},
    {"limits.ip_rate_per_second",
     "ip_rate_per_second",
     "Frames per second one client address may send, on average.",
     double_field{&sc::ip_rate_per_second, 0.01, 1e9}},
    {"limits.ip_burst",
     "ip_burst",
     "Frames one client address may send at once.",
     uint_field{&sc::ip_burst, 1, 1000000000}},
    {"limits.max_connections_per_ip",
     "max_connections_per_ip",
     "WebSocket connections one client address may hold.",
     uint_field{&sc::max_connections_per_ip, 1, 10000000}},
    {"limits.max_connections",
     "max_connections",
     "Connections the server holds in all.",
     uint_field{&sc::max_connections, 1, 10000000}},
    {"limits.abuse_strikes",
     "abuse_strikes",
     "Bad or rate-limited frames tolerated before closing with 1008.",
     uint_field{&sc::abuse_strikes, 1, 1000000}},
    {"limits.strike_forgive_seconds",
     "strike_forgive_seconds",
     "One strike is forgiven every this many seconds.",
     uint_field{&sc::strike_forgive_seconds, 1, 86400}},
    {"limits.handshake_timeout_ms",
     "handshake_timeout_ms",
     "Time to send a whole HTTP request or finish the WebSocket handshake.",
     uint_field{&sc::handshake_timeout_ms, 50, 600000}},
    {"limits.idle_timeout_seconds",
     "idle_timeout_seconds",
     "Close a WebSocket that completes no message for this long.",
     uint_field{&sc::idle_timeout_seconds, 1, 86400}},
    {"limits.drain_timeout_ms",
     "drain_timeout_ms",
     "On SIGTERM, time given to turns in flight and the store before exiting.",
     uint_field{&sc::drain_timeout_ms, 100, 600000}},
    {"origins.allowed",
     "allowed_origins",
     "Origins (https://clinic.example) allowed to open the WebSocket; comma-separated.",
     list_field{&sc::allowed_origins}},
    {"origins.allow_same_origin",
     "allow_same_origin",
     "Also allow the server's own origin (the demo page).",
     bool_field{&sc::allow_same_origin}},
    {"origins.allow_missing",
     "allow_missing_origin",
     "Accept WebSocket handshakes without an Origin header (non-browser clients).",
     bool_field{&sc::allow_missing_origin}},
    {"proxies.trusted",
     "trusted_proxies",
     "Proxy addresses or CIDRs whose X-Forwarded-For is believed; comma-separated.",
     list_field{&sc::trusted_proxies}},
    {"log.level",
     "log_level",
     "Least severe log level written: debug, info, warn or error.",
     string_field{&sc::log_level, {"debug", "info", "warn", "error"}}},
};

// "a.b.c" -> "/a/b/c"
std::string pointer_of(std::string_view key) {
    std::string out = "/";
    for (char c : key) {
        out.push_back(c == '.' ? '/' : c);
    }
    return out;
}

std::vector<std::string> split_list(std::string_view text) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= text.size()) {
        auto end = text.find(',', start);
        if (end == std::string_view::npos) {
            end = text.size();
        }
        auto item = text.substr(start, end - start);
        const auto b = item.find_first_not_of(" \t");
        if (b != std::string_view::npos) {
            const auto e = item.find_last_not_of(" \t");
            out.emplace_back(item.substr(b, e - b + 1));
        }
        start = end + 1;
    }
    return out;
}

// Applies one setting from text (environment or flag). `where` names the source for errors.
expected<void> apply_text(server_config& config,
                          const setting& s,
                          std::string_view text,
                          const std::string& where) {
    auto bad = [&](std::string what) {
        return fail("config_value", std::string(s.name) + " " + what, where);
    };
    return std::visit(
        [&](const auto& f) -> expected<void> {
            using field = std::decay_t<decltype(f)>;
            if constexpr (std::is_same_v<field, uint_field>) {
                std::uint64_t v = 0;
                auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
                if (ec != std::errc{} || end != text.data() + text.size()) {
                    return bad("must be a whole number.");
                }
                if (v < f.min || v > f.max) {
                    return bad("must be from " + std::to_string(f.min) + " to " +
                               std::to_string(f.max) + ".");
                }
                config.*f.member = v;
            } else if constexpr (std::is_same_v<field, double_field>) {
                std::string copy(text);
                char* end = nullptr;
                errno = 0;
                const double v = std::strtod(copy.c_str(), &end);
                if (copy.empty() || end != copy.c_str() + copy.size() || errno != 0 ||
                    !std::isfinite(v)) {
                    return bad("must be a number.");
                }
                if (v < f.min || v > f.max) {
                    return bad("is out of range.");
                }
                config.*f.member = v;
            } else if constexpr (std::is_same_v<field, bool_field>) {
                if (text == "true" || text == "1" || text == "yes") {
                    config.*f.member = true;
                } else if (text == "false" || text == "0" || text == "no") {
                    config.*f.member = false;
                } else {
                    return bad("must be true or false.");
                }
            } else if constexpr (std::is_same_v<field, string_field>) {
                if (!f.allowed.empty()) {
                    bool found = false;
                    std::string names;
                    for (auto a : f.allowed) {
                        found = found || a == text;
                        names += names.empty() ? std::string(a) : ", " + std::string(a);
                    }
                    if (!found) {
                        return bad("must be one of: " + names + ".");
                    }
                }
                config.*f.member = std::string(text);
            } else if constexpr (std::is_same_v<field, list_field>) {
                config.*f.member = split_list(text);
            } else {
                const auto eq = text.find('=');
                if (eq == std::string_view::npos || eq == 0) {
                    return bad("takes name=value.");
                }
                (config.*f.member)[std::string(text.substr(0, eq))] =
                    std::string(text.substr(eq + 1));
            }
            return {};
        },
        s.field);
}

// Applies one setting from its JSON value.
expected<void>
apply_value(server_config& config, const setting& s, const json& value, const std::string& where) {
    auto type_error = [&](std::string_view kind) {
        return fail(
            "config_type", std::string(s.key) + " must be " + std::string(kind) + ".", where);
    };
    return std::visit(
        [&](const auto& f) -> expected<void> {
            using field = std::decay_t<decltype(f)>;
            if constexpr (std::is_same_v<field, uint_field>) {
                if (!value.is_number_unsigned()) {
                    return type_error("a whole number");
                }
                return apply_text(config, s, std::to_string(value.get<std::uint64_t>()), where);
            } else if constexpr (std::is_same_v<field, double_field>) {
                if (!value.is_number()) {
                    return type_error("a number");
                }
                const double v = value.get<double>();
                if (v < f.min || v > f.max) {
                    return fail("config_value", std::string(s.key) + " is out of range.", where);
                }
                config.*f.member = v;
                return {};
            } else if constexpr (std::is_same_v<field, bool_field>) {
                if (!value.is_boolean()) {
                    return type_error("true or false");
                }
                config.*f.member = value.get<bool>();
                return {};
            } else if constexpr (std::is_same_v<field, string_field>) {
                if (!value.is_string()) {
                    return type_error("a string");
                }
                return apply_text(config, s, value.get_ref<const std::string&>(), where);
            } else if constexpr (std::is_same_v<field, list_field>) {
                if (!value.is_array()) {
                    return type_error("a list of strings");
                }
                std::vector<std::string> items;
                for (const auto& item : value) {
                    if (!item.is_string()) {
                        return type_error("a list of strings");
                    }
                    items.push_back(item.get<std::string>());
                }
                config.*f.member = std::move(items);
                return {};
            } else {
                if (!value.is_object()) {
                    return type_error("an object of strings");
                }
                for (const auto& [name, item] : value.items()) {
                    if (!item.is_string()) {
                        return fail(
                            "config_type", "practice values must be strings.", where + "/" + name);
                    }
                    (config.*f.member)[name] = item.template get<std::string>();
                }
                return {};
            }
        },
        s.field);
}

// Checks every key of the document is a known setting or a section holding known settings.
expected<void>
check_known_keys(const json& object, const std::string& prefix, std::string_view source) {
    for (const auto& [name, value] : object.items()) {
        const std::string key = prefix.empty() ? name : prefix + "." + name;
        bool exact = false;
        bool section = false;
        for (const auto& s : all_settings) {
            exact = exact || s.key == key;
            section = section || s.key.starts_with(key + ".");
        }
        if (exact) {
            continue;
        }
        if (section && value.is_object()) {
            if (auto ok = check_known_keys(value, key, source); !ok) {
                return ok;
            }
            continue;
        }
        return fail("config_unknown_key",
                    "unknown setting \"" + key + "\"; `heregoes serve --help` lists them all.",
                    std::string(source) + "#" + pointer_of(key));
    }
    return {};
}

std::string default_text(const server_config& d, const setting& s) {
    return std::visit(
        [&](const auto& f) -> std::string {
            using field = std::decay_t<decltype(f)>;
            if constexpr (std::is_same_v<field, uint_field>) {
                return std::to_string(d.*f.member);
            } else if constexpr (std::is_same_v<field, double_field>) {
                std::ostringstream out;
                out << d.*f.member;
                return out.str();
            } else if constexpr (std::is_same_v<field, bool_field>) {
                return d.*f.member ? "true" : "false";
            } else if constexpr (std::is_same_v<field, string_field>) {
                return (d.*f.member).empty() ? "(empty)" : d.*f.member;
            } else {
                return "(empty)";
            }
        },
        s.field);
}

expected<std::string> read_config_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return fail("config_open", "cannot open the configuration file; check the path.", path);
    }
    std::string text;
    char buffer[4096];
    while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
        text.append(buffer, static_cast<std::size_t>(in.gcount()));
        if (text.size() > max_config_file_bytes) {
            return fail("config_too_large", "the configuration file is larger than 1 MiB.", path);
        }
    }
    return text;
}

} // namespace

std::string setting::flag() const {
    std::string out = "--";
    for (char c : name) {
        out.push_back(c == '_' ? '-' : c);
    }
    return out;
}

std::string setting::env_name() const {
    std::string out = "HEREGOES_";
    for (char c : name) {
        out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
    }
    return out;
}

const std::vector<setting>& settings() {
    return all_settings;
}

expected<void> apply_json(server_config& config, std::string_view text, std::string_view source) {
    json document = json::parse(text, nullptr, false);
    if (document.is_discarded()) {
        return fail("config_json",
                    "the configuration is not valid JSON; check commas and quotes.",
                    std::string(source));
    }
    if (!document.is_object()) {
        return fail(
            "config_json", "the configuration must be one JSON object.", std::string(source));
    }
    if (auto ok = check_known_keys(document, "", source); !ok) {
        return ok;
    }
    for (const auto& s : all_settings) {
        const json::json_pointer pointer(pointer_of(s.key));
        if (!document.contains(pointer)) {
            continue;
        }
        const std::string where = std::string(source) + "#" + pointer_of(s.key);
        if (auto ok = apply_value(config, s, document.at(pointer), where); !ok) {
            return ok;
        }
    }
    return {};
}

expected<void> apply_environment(server_config& config,
                                 const std::function<const char*(const char*)>& getenv) {
    for (const auto& s : all_settings) {
        if (std::holds_alternative<map_field>(s.field)) {
            continue;
        }
        const std::string name = s.env_name();
        const char* value = getenv(name.c_str());
        if (value == nullptr) {
            continue;
        }
        if (auto ok = apply_text(config, s, value, "environment " + name); !ok) {
            return ok;
        }
    }
    return {};
}

expected<command_line> apply_flags(server_config& config, std::span<const std::string> args) {
    command_line result;
    for (std::size_t i = 0; i < args.size(); ++i) {
        std::string word = args[i];
        if (word == "--help" || word == "-h") {
            result.help = true;
            continue;
        }
        std::string value;
        bool has_value = false;
        if (const auto eq = word.find('='); eq != std::string::npos && word.starts_with("--")) {
            value = word.substr(eq + 1);
            word = word.substr(0, eq);
            has_value = true;
        }
        auto take_value = [&]() -> expected<std::string> {
            if (has_value) {
                return value;
            }
            if (i + 1 >= args.size()) {
                return fail("usage", word + " needs a value.", "command line");
            }
            return args[++i];
        };
        if (word == "--config") {
            auto v = take_value();
            if (!v) {
                return v.error();
            }
            result.config_file = *v;
            continue;
        }
        const setting* match = nullptr;
        for (const auto& s : all_settings) {
            if (s.flag() == word) {
                match = &s;
            }
        }
        if (match == nullptr) {
            return fail("usage",
                        "unknown option " + word + "; `heregoes serve --help` lists them all.",
                        "command line");
        }
        auto v = take_value();
        if (!v) {
            return v.error();
        }
        if (auto ok = apply_text(config, *match, *v, "command line " + word); !ok) {
            return ok.error();
        }
    }
    return result;
}

expected<void> validate(const server_config& config) {
    for (const auto& origin : config.allowed_origins) {
        if (!parse_origin(origin)) {
            return fail("config_value",
                        "allowed origin \"" + origin +
                            "\" must look like https://clinic.example or http://host:port.",
                        "origins.allowed");
        }
    }
    for (const auto& proxy : config.trusted_proxies) {
        if (!parse_network(proxy)) {
            return fail("config_value",
                        "trusted proxy \"" + proxy + "\" must be an IP address or a CIDR range.",
                        "proxies.trusted");
        }
    }
    if (config.default_dialog.empty() || config.default_locale.empty()) {
        return fail(
            "config_value", "default_dialog and default_locale must not be empty.", "dialogs");
    }
    return {};
}

expected<loaded_config> load_config(std::span<const std::string> args,
                                    const std::function<const char*(const char*)>& getenv) {
    // Flags are parsed first into a scratch copy only to find --config and --help; they are
    // applied again last so that they take precedence over the file and the environment.
    server_config scratch;
    auto line = apply_flags(scratch, args);
    if (!line) {
        return line.error();
    }
    loaded_config result;
    result.help = line->help;
    if (result.help) {
        return result;
    }
    std::string file = line->config_file;
    if (file.empty()) {
        if (const char* env = getenv("HEREGOES_CONFIG"); env != nullptr) {
            file = env;
        }
    }
    if (!file.empty()) {
        auto text = read_config_file(file);
        if (!text) {
            return text.error();
        }
        if (auto ok = apply_json(result.config, *text, file); !ok) {
            return ok.error();
        }
    }
    if (auto ok = apply_environment(result.config, getenv); !ok) {
        return ok.error();
    }
    if (auto again = apply_flags(result.config, args); !again) {
        return again.error();
    }
    if (auto ok = validate(result.config); !ok) {
        return ok.error();
    }
    return result;
}

void print_help(std::ostream& out) {
    const server_config defaults;
    out << "usage: heregoes serve [--config FILE] [options]\n\n"
           "Runs the chat server: HTTP and the protocol v1 WebSocket (GET /ws) on one port, the\n"
           "demo page and widget, /healthz, /readyz and /metrics. Settings come from, in\n"
           "increasing precedence: built-in defaults, the JSON file (--config FILE, or\n"
           "HEREGOES_CONFIG), HEREGOES_* environment variables, and flags. In the JSON file a\n"
           "key like limits.max_frame_bytes is written as "
           "{\"limits\":{\"max_frame_bytes\":4096}}.\n"
           "Signals: SIGHUP reloads dialogs and widget files; SIGTERM or SIGINT drains and "
           "exits.\n\n"
           "  --config FILE\n      JSON configuration file.\n";
    for (const auto& s : all_settings) {
        out << "  " << s.flag() << " VALUE    (JSON " << s.key;
        if (!std::holds_alternative<map_field>(s.field)) {
            out << ", env " << s.env_name();
        }
        out << ")\n      " << s.help << " Default: " << default_text(defaults, s) << "\n";
    }
}

std::string to_json(const server_config& config) {
    json out = json::object();
    for (const auto& s : all_settings) {
        const json::json_pointer pointer(pointer_of(s.key));
        std::visit(
            [&](const auto& f) {
                using field = std::decay_t<decltype(f)>;
                if constexpr (std::is_same_v<field, map_field>) {
                    json m = json::object();
                    for (const auto& [k, v] : config.*f.member) {
                        m[k] = v;
                    }
                    out[pointer] = m;
                } else {
                    out[pointer] = config.*f.member;
                }
            },
            s.field);
    }
    return out.dump();
}

} // namespace heregoes::server
