// The dialog loader (loader.hpp). Reads the JSON with bounded_json, then walks it member by member,
// checking each value's type and syntax and recording a diagnostic with the file and JSON pointer
// for every problem, so one run lists them all. Elements with problems are left out of the model;
// the rest is kept so the linter can still look at the graph.

#include "engine/dialog/loader.hpp"

#include "engine/core/bot_message.hpp"
#include "engine/core/bounded_json.hpp"
#include "engine/core/safety_gate.hpp"
#include "engine/dialog/intent_pattern.hpp"

#include <algorithm>
#include <fstream>
#include <limits>
#include <set>

namespace heregoes::dialog {
namespace {

using json = nlohmann::ordered_json; // keeps object members in file order

// Most entries in one list (say items, choices, intents, routes, patterns): far above any real
// state, low enough that a generated file cannot make the model huge.
constexpr std::size_t max_list_items = 1000;

// Most variants of one message; more would be better written as separate states.
constexpr std::size_t max_variants = 32;

// Largest explicit typing_ms: one minute. Longer pauses read as a broken bot.
constexpr std::int64_t max_typing_ms = 60000;

// Largest max_visits; the session counts visits in 8 bits.
constexpr std::int64_t max_max_visits = 255;

// Largest max_length of a captured variable: a few paragraphs.
constexpr std::int64_t max_capture_length = 4000;

// Ids quoted in messages are cut to this length, so a huge id cannot flood the output.
constexpr std::size_t max_echo = 60;

std::string quote(std::string_view id) {
    if (id.size() > max_echo) {
        return "'" + std::string(id.substr(0, max_echo)) + "…'";
    }
    return "'" + std::string(id) + "'";
}

// True when a "schema_version" value is an integer above the newest format this build reads.
bool newer_than_supported(const json& v) {
    if (!v.is_number_integer()) {
        return false;
    }
    if (v.is_number_unsigned()) {
        return v.get<std::uint64_t>() > static_cast<std::uint64_t>(supported_schema_version);
    }
    return v.get<std::int64_t>() > supported_schema_version;
}

std::string type_name(const json& v) {
    switch (v.type()) {
    case json::value_t::null:
        return "null";
    case json::value_t::boolean:
        return "a boolean";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
        return "an integer";
    case json::value_t::number_float:
        return "a number with a fraction";
    case json::value_t::string:
        return "a string";
    case json::value_t::array:
        return "an array";
    case json::value_t::object:
        return "an object";
    default:
        return "an unsupported value";
    }
}

bool is_lower_digit(char c) noexcept {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

bool matches_charset(std::string_view s, std::string_view extra) noexcept {
    if (s.empty() || s.size() > max_id_length) {
        return false;
    }
    for (const char c : s) {
        if (!is_lower_digit(c) && extra.find(c) == std::string_view::npos) {
            return false;
        }
    }
    return true;
}

bool valid_dialog_id(std::string_view s) noexcept {
    return matches_charset(s, "-");
}
bool valid_state_id(std::string_view s) noexcept {
    return matches_charset(s, "_.");
}
bool valid_text_id(std::string_view s) noexcept {
    return matches_charset(s, "_.-");
}
bool valid_variable_name(std::string_view s) noexcept {
    return matches_charset(s, "_") && s.front() >= 'a' && s.front() <= 'z';
}
bool valid_locale(std::string_view s) noexcept {
    // "en", "es", "pt-br": a lower-case language code with optional subtags.
    if (s.size() < 2 || s.size() > 16) {
        return false;
    }
    for (const char c : s) {
        if (!is_lower_digit(c) && c != '-') {
            return false;
        }
    }
    return s.front() >= 'a' && s.front() <= 'z' && s.back() != '-';
}

std::optional<std::uint32_t> message_flag_from(std::string_view name) {
    if (name == "crisis") {
        return flag_crisis;
    }
    if (name == "help_note") {
        return flag_help_note;
    }
    if (name == "opener_card") {
        return flag_opener_card;
    }
    if (name == "disclosure") {
        return flag_disclosure;
    }
    return std::nullopt;
}

// Collects diagnostics for one file, with its name in every `where`.
class reporter {
public:
    reporter(std::string file, std::vector<error>& out)
        : file_(std::move(file))
        , out_(out) {}

    void operator()(std::string code, const std::string& pointer, std::string message) {
        out_.push_back(fail(std::move(code), std::move(message), file_ + "#" + pointer));
    }

    std::size_t count() const { return out_.size(); }

private:
    std::string file_;
    std::vector<error>& out_;
};

// Shared member-reading helpers: each checks the type and reports with the pointer.
class reader {
public:
    explicit reader(reporter& report)
        : report_(report) {}

    // Reports keys of `object` that are not in `allowed` ("$comment" is always allowed).
    void check_keys(const json& object,
                    const std::string& pointer,
                    std::initializer_list<std::string_view> allowed,
                    const std::string& what) {
        for (const auto& [key, value] : object.items()) {
            (void)value;
            if (key == "$comment") {
                continue;
            }
            bool known = false;
            for (const std::string_view a : allowed) {
                known = known || key == a;
            }
            if (!known) {
                std::string list;
                for (const std::string_view a : allowed) {
                    list += list.empty() ? "" : ", ";
                    list += a;
                }
                report_("unknown_key",
                        pointer + "/" + pointer_token(key),
                        what + " has an unknown key " + quote(key) + "; allowed keys are " + list);
            }
        }
    }

    bool expect_object(const json& v, const std::string& pointer, const std::string& what) {
        if (!v.is_object()) {
            report_("wrong_type", pointer, what + " must be an object, not " + type_name(v));
            return false;
        }
        return true;
    }

    bool expect_array(const json& v, const std::string& pointer, const std::string& what) {
        if (!v.is_array()) {
            report_("wrong_type", pointer, what + " must be an array, not " + type_name(v));
            return false;
        }
        if (v.size() > max_list_items) {
            report_("too_large",
                    pointer,
                    what + " has " + std::to_string(v.size()) + " entries; at most " +
                        std::to_string(max_list_items) + " are allowed");
            return false;
        }
        return true;
    }

    // A string value of bounded length.
    std::optional<std::string>
    string_value(const json& v, const std::string& pointer, const std::string& what) {
        if (!v.is_string()) {
            report_("wrong_type", pointer, what + " must be a string, not " + type_name(v));
            return std::nullopt;
        }
        const auto& s = v.get_ref<const std::string&>();
        if (s.size() > max_string_bytes) {
            report_("too_large",
                    pointer,
                    what + " is " + std::to_string(s.size()) + " bytes long; at most " +
                        std::to_string(max_string_bytes) + " are allowed");
            return std::nullopt;
        }
        return s;
    }

    // An id-like string checked with `valid`; `rule` describes the syntax for the message.
    std::optional<std::string> id_value(const json& v,
                                        const std::string& pointer,
                                        const std::string& what,
                                        bool (*valid)(std::string_view) noexcept,
                                        std::string_view rule) {
        auto s = string_value(v, pointer, what);
        if (!s) {
            return std::nullopt;
        }
        if (!valid(*s)) {
            report_("bad_id",
                    pointer,
                    what + " " + quote(*s) + " is not a valid id; use " + std::string(rule) +
                        " (at most " + std::to_string(max_id_length) + " characters)");
            return std::nullopt;
        }
        return s;
    }

    std::optional<std::int64_t> integer_value(const json& v,
                                              const std::string& pointer,
                                              const std::string& what,
                                              std::int64_t min,
                                              std::int64_t max) {
        if (!v.is_number_integer()) {
            report_("wrong_type", pointer, what + " must be an integer, not " + type_name(v));
            return std::nullopt;
        }
        const bool too_big =
            v.is_number_unsigned() && v.get<std::uint64_t>() > static_cast<std::uint64_t>(max);
        const std::int64_t n = too_big ? max : v.get<std::int64_t>();
        if (too_big || n < min || n > max) {
            report_("out_of_range",
                    pointer,
                    what + " must be between " + std::to_string(min) + " and " +
                        std::to_string(max));
            return std::nullopt;
        }
        return n;
    }

    std::optional<bool>
    bool_value(const json& v, const std::string& pointer, const std::string& what) {
        if (!v.is_boolean()) {
            report_("wrong_type", pointer, what + " must be true or false, not " + type_name(v));
            return std::nullopt;
        }
        return v.get<bool>();
    }

    std::optional<condition_source>
    condition_value(const json& v, const std::string& pointer, const std::string& what) {
        auto text = string_value(v, pointer, what);
        if (!text) {
            return std::nullopt;
        }
        auto parsed = parse_condition(*text);
        if (!parsed) {
            report_("bad_condition", pointer, what + ": " + parsed.error().message);
            return std::nullopt;
        }
        return condition_source{std::move(*text), std::move(*parsed), pointer};
    }

    reporter& report() { return report_; }

private:
    reporter& report_;
};

constexpr std::string_view state_id_rule = "lower-case letters, digits, '_' and '.'";
constexpr std::string_view text_id_rule = "lower-case letters, digits, '_', '.' and '-'";
constexpr std::string_view variable_rule =
    "a lower-case letter, then lower-case letters, digits and '_'";

class graph_loader {
public:
    graph_loader(model& m, reporter& report)
        : m_(m)
        , report_(report)
        , read_(report) {}

    // Reads the whole graph; false when the file cannot be interpreted at all (not an object,
    // unsupported schema_version).
    bool load(const json& root) {
        if (!root.is_object()) {
            report_("wrong_type",
                    "",
                    "a dialog graph must be a JSON object with \"id\", \"version\", \"start\" "
                    "and \"states\", not " +
                        type_name(root));
            return false;
        }
        if (!read_schema_version(root)) {
            return false;
        }
        read_.check_keys(root,
                         "",
                         {"$schema",
                          "schema_version",
                          "id",
                          "version",
                          "start",
                          "locales",
                          "variables",
                          "routes",
                          "no_match",
                          "migrate",
                          "states",
                          "description"},
                         "the dialog");
        if (root.contains("description")) {
            read_.string_value(root["description"], "/description", "\"description\"");
        }
        read_identity(root);
        read_locales(root);
        read_variables(root);
        read_routes(root);
        if (root.contains("no_match")) {
            m_.no_match = read_no_match(root["no_match"], "/no_match", "the dialog's \"no_match\"");
        }
        read_migrate(root);
        read_states(root);
        return true;
    }

private:
    bool read_schema_version(const json& root) {
        if (!root.contains("schema_version")) {
            report_("missing_field",
                    "",
                    "the dialog has no \"schema_version\"; add \"schema_version\": " +
                        std::to_string(supported_schema_version));
            return true; // read on with the current format, to report the rest
        }
        const json& v = root["schema_version"];
        if (!v.is_number_integer()) {
            report_("wrong_type",
                    "/schema_version",
                    "\"schema_version\" must be an integer, not " + type_name(v));
            return true;
        }
        if (newer_than_supported(v)) {
            report_("unsupported_schema",
                    "/schema_version",
                    "this file uses dialog format " + v.dump() +
                        ", but this heregoes reads format " +
                        std::to_string(supported_schema_version) +
                        " at most; upgrade heregoes to load it, or write the file in format " +
                        std::to_string(supported_schema_version));
            return false;
        }
        if (v.get<std::int64_t>() < 1) {
            report_("out_of_range", "/schema_version", "\"schema_version\" starts at 1");
            return true;
        }
        m_.schema_version = static_cast<int>(v.get<std::int64_t>());
        return true;
    }

    void read_identity(const json& root) {
        if (!root.contains("id")) {
            report_(
                "missing_field", "", "the dialog has no \"id\"; add one such as \"first-session\"");
        } else if (auto id = read_.id_value(root["id"],
                                            "/id",
                                            "the dialog \"id\"",
                                            valid_dialog_id,
                                            "lower-case letters, digits and '-'")) {
            m_.id = *id;
        }
        if (!root.contains("version")) {
            report_("missing_field", "", "the dialog has no \"version\"; add \"version\": 1");
        } else if (auto v = read_.integer_value(root["version"],
                                                "/version",
                                                "\"version\"",
                                                1,
                                                std::numeric_limits<std::uint32_t>::max())) {
            m_.version = static_cast<std::uint32_t>(*v);
        }
        if (!root.contains("start")) {
            report_("missing_field", "", "the dialog has no \"start\"; name its first state");
        } else if (auto s = read_.id_value(
                       root["start"], "/start", "\"start\"", valid_state_id, state_id_rule)) {
            m_.start = *s;
        }
    }

    void read_locales(const json& root) {
        if (!root.contains("locales")) {
            m_.locales = {"en"};
            return;
        }
        const json& v = root["locales"];
        if (!read_.expect_array(v, "/locales", "\"locales\"")) {
            return;
        }
        if (v.empty()) {
            report_("missing_field", "/locales", "\"locales\" is empty; list at least \"en\"");
        }
        for (std::size_t i = 0; i < v.size(); ++i) {
            const std::string p = "/locales/" + std::to_string(i);
            auto l = read_.string_value(v[i], p, "a locale");
            if (!l) {
                continue;
            }
            if (!valid_locale(*l)) {
                report_("bad_id",
                        p,
                        "the locale " + quote(*l) +
                            " is not a valid locale code; use a lower-case code such as \"en\" "
                            "or \"pt-br\"");
                continue;
            }
            if (std::find(m_.locales.begin(), m_.locales.end(), *l) != m_.locales.end()) {
                report_("duplicate_id", p, "the locale " + quote(*l) + " is listed twice");
                continue;
            }
            m_.locales.push_back(*l);
        }
    }

    void read_variables(const json& root) {
        if (!root.contains("variables")) {
            return;
        }
        const json& v = root["variables"];
        if (!read_.expect_object(v, "/variables", "\"variables\"")) {
            return;
        }
        if (v.size() > max_variables) {
            report_("too_large",
                    "/variables",
                    "the dialog declares " + std::to_string(v.size()) + " variables; at most " +
                        std::to_string(max_variables) + " are allowed");
            return;
        }
        for (const auto& [name, decl] : v.items()) {
            const std::string p = "/variables/" + pointer_token(name);
            if (!valid_variable_name(name) || name == in_call_name) {
                report_("bad_id",
                        p,
                        "the variable name " + quote(name) + " is not valid; use " +
                            std::string(variable_rule) + " (\"in_call\" is reserved)");
                continue;
            }
            if (!read_.expect_object(decl, p, "the variable " + quote(name))) {
                continue;
            }
            read_.check_keys(decl,
                             p,
                             {"from", "default", "sensitive", "max_length"},
                             "the variable " + quote(name));
            variable_decl out;
            out.name = name;
            out.pointer = p;
            if (decl.contains("from")) {
                auto from = read_.string_value(decl["from"], p + "/from", "\"from\"");
                if (from && *from == "deployment") {
                    out.from_deployment = true;
                } else if (from) {
                    report_("bad_value",
                            p + "/from",
                            "the variable " + quote(name) + " has \"from\": " + quote(*from) +
                                "; the only source is \"deployment\" (leave \"from\" out for "
                                "variables the dialog sets)");
                }
            }
            if (decl.contains("default")) {
                if (auto d = read_.string_value(decl["default"], p + "/default", "\"default\"")) {
                    out.default_value = *d;
                }
                if (!out.from_deployment) {
                    report_("bad_value",
                            p + "/default",
                            "the variable " + quote(name) +
                                " has a \"default\" but is not \"from\": \"deployment\"; dialog "
                                "variables start unset");
                }
            }
            if (decl.contains("sensitive")) {
                out.sensitive =
                    read_.bool_value(decl["sensitive"], p + "/sensitive", "\"sensitive\"")
                        .value_or(false);
                if (out.sensitive && out.from_deployment) {
                    report_("bad_value",
                            p + "/sensitive",
                            "the deployment variable " + quote(name) +
                                " cannot be sensitive: sensitive marks what a person types or "
                                "chooses");
                }
            }
            if (decl.contains("max_length")) {
                if (auto n = read_.integer_value(decl["max_length"],
                                                 p + "/max_length",
                                                 "\"max_length\"",
                                                 1,
                                                 max_capture_length)) {
                    out.max_length = static_cast<std::size_t>(*n);
                }
            }
            m_.variables.push_back(std::move(out));
        }
    }

    std::vector<assignment> read_set(const json& v, const std::string& p, const std::string& what) {
        std::vector<assignment> out;
        if (!read_.expect_object(v, p, what)) {
            return out;
        }
        for (const auto& [name, value] : v.items()) {
            const std::string vp = p + "/" + pointer_token(name);
            if (!valid_variable_name(name)) {
                report_("bad_id",
                        vp,
                        what + " sets " + quote(name) + ", which is not a valid variable name");
                continue;
            }
            if (auto s = read_.string_value(value, vp, what + " value of " + quote(name))) {
                out.push_back({name, *s, vp});
            }
        }
        return out;
    }

    void read_routes(const json& root) {
        if (!root.contains("routes")) {
            return;
        }
        const json& v = root["routes"];
        if (!read_.expect_array(v, "/routes", "\"routes\"")) {
            return;
        }
        for (std::size_t i = 0; i < v.size(); ++i) {
            const std::string p = "/routes/" + std::to_string(i);
            const std::string what = "route " + std::to_string(i);
            if (!read_.expect_object(v[i], p, what)) {
                continue;
            }
            const json& r = v[i];
            read_.check_keys(r, p, {"intent", "goto", "action", "always"}, what);
            global_route out;
            out.pointer = p;
            bool ok = true;
            if (!r.contains("intent")) {
                report_("missing_field", p, what + " has no \"intent\"");
                ok = false;
            } else if (auto intent = read_.id_value(r["intent"],
                                                    p + "/intent",
                                                    what + " \"intent\"",
                                                    valid_text_id,
                                                    text_id_rule)) {
                out.intent = *intent;
            } else {
                ok = false;
            }
            if (r.contains("action")) {
                auto action = read_.string_value(r["action"], p + "/action", what + " \"action\"");
                if (action && *action == "restart") {
                    out.action = global_route::action::restart;
                } else if (action && *action == "forget") {
                    out.action = global_route::action::forget;
                } else {
                    if (action) {
                        report_("bad_value",
                                p + "/action",
                                what + " has the action " + quote(*action) +
                                    "; the actions are \"restart\" and \"forget\" (use \"goto\" "
                                    "to move to a state)");
                    }
                    ok = false;
                }
            }
            if (r.contains("goto")) {
                if (auto target = read_.id_value(r["goto"],
                                                 p + "/goto",
                                                 what + " \"goto\"",
                                                 valid_state_id,
                                                 state_id_rule)) {
                    out.target = *target;
                } else {
                    ok = false;
                }
                if (out.action == global_route::action::restart) {
                    report_("bad_value",
                            p,
                            what + " has both \"goto\" and \"action\": \"restart\"; keep one");
                    ok = false;
                }
            } else if (!r.contains("action")) {
                report_("missing_field", p, what + " needs \"goto\" (a state) or \"action\"");
                ok = false;
            }
            if (r.contains("always")) {
                out.always = read_.bool_value(r["always"], p + "/always", what + " \"always\"")
                                 .value_or(false);
            }
            if (ok) {
                m_.routes.push_back(std::move(out));
            }
        }
    }

    std::optional<no_match_decl>
    read_no_match(const json& v, const std::string& p, const std::string& what) {
        if (!read_.expect_object(v, p, what)) {
            return std::nullopt;
        }
        read_.check_keys(v, p, {"reprompts", "goto"}, what);
        no_match_decl out;
        out.pointer = p;
        bool ok = true;
        if (v.contains("reprompts") &&
            read_.expect_array(v["reprompts"], p + "/reprompts", what + " \"reprompts\"")) {
            const json& list = v["reprompts"];
            for (std::size_t i = 0; i < list.size(); ++i) {
                if (auto id = read_.id_value(list[i],
                                             p + "/reprompts/" + std::to_string(i),
                                             "a reprompt text id",
                                             valid_text_id,
                                             text_id_rule)) {
                    out.reprompts.push_back(*id);
                } else {
                    ok = false;
                }
            }
        }
        if (!v.contains("goto")) {
            report_("missing_field",
                    p,
                    what + " has no \"goto\": after the last reprompt the person must be taken "
                           "somewhere, so nobody is stuck");
            ok = false;
        } else if (auto target = read_.id_value(
                       v["goto"], p + "/goto", what + " \"goto\"", valid_state_id, state_id_rule)) {
            out.target = *target;
        } else {
            ok = false;
        }
        if (!ok) {
            return std::nullopt;
        }
        return out;
    }

    void read_migrate(const json& root) {
        if (!root.contains("migrate")) {
            return;
        }
        const json& v = root["migrate"];
        if (!read_.expect_object(v, "/migrate", "\"migrate\"")) {
            return;
        }
        for (const auto& [from, to] : v.items()) {
            const std::string p = "/migrate/" + pointer_token(from);
            if (!valid_state_id(from)) {
                report_("bad_id",
                        p,
                        "\"migrate\" names the old state " + quote(from) +
                            ", which is not a valid state id");
                continue;
            }
            if (auto target = read_.id_value(
                    to, p, "the migrate target of " + quote(from), valid_state_id, state_id_rule)) {
                m_.migrate.push_back({from, *target, p});
            }
        }
    }

    void read_states(const json& root) {
        if (!root.contains("states")) {
            report_("missing_field", "", "the dialog has no \"states\"");
            return;
        }
        const json& v = root["states"];
        if (!read_.expect_object(v, "/states", "\"states\"")) {
            return;
        }
        if (v.empty()) {
            report_("missing_field",
                    "/states",
                    "\"states\" is empty; a dialog needs at least one state");
            return;
        }
        if (v.size() > max_states) {
            report_("too_large",
                    "/states",
                    "the dialog has " + std::to_string(v.size()) + " states; at most " +
                        std::to_string(max_states) + " are allowed");
            return;
        }
        for (const auto& [id, decl] : v.items()) {
            const std::string p = "/states/" + pointer_token(id);
            if (!valid_state_id(id)) {
                report_("bad_id",
                        p,
                        "the state id " + quote(id) + " is not valid; use " +
                            std::string(state_id_rule) + " (at most " +
                            std::to_string(max_id_length) + " characters)");
                continue;
            }
            if (auto s = read_state(id, decl, p)) {
                m_.states.push_back(std::move(*s));
            }
        }
    }

    std::optional<state_decl>
    read_state(const std::string& id, const json& v, const std::string& p) {
        const std::string what = "state " + quote(id);
        if (!read_.expect_object(v, p, what)) {
            return std::nullopt;
        }
        read_.check_keys(v,
                         p,
                         {"topic",
                          "say",
                          "choices",
                          "intents",
                          "capture",
                          "no_match",
                          "next",
                          "call",
                          "return",
                          "end",
                          "set",
                          "max_visits",
                          "on_max_visits"},
                         what);
        const std::size_t problems_before = report_.count();
        state_decl s;
        s.id = id;
        s.pointer = p;
        if (!v.contains("topic")) {
            report_("missing_field",
                    p,
                    what + " has no \"topic\"; every state needs one of welcome, about, menu, "
                           "expect, confidentiality, minors, judgment, rehearsal, trust, "
                           "practical, crisis, closing, fallback");
        } else if (auto t = read_.string_value(v["topic"], p + "/topic", what + " \"topic\"")) {
            if (auto topic = topic_from_string(*t)) {
                s.topic = *topic;
            } else {
                report_("bad_topic",
                        p + "/topic",
                        what + " has the topic " + quote(*t) +
                            ", which is not in the vocabulary: welcome, about, menu, expect, "
                            "confidentiality, minors, judgment, rehearsal, trust, practical, "
                            "crisis, closing, fallback");
            }
        }
        if (v.contains("set")) {
            s.set = read_set(v["set"], p + "/set", what + " \"set\"");
        }
        if (v.contains("say")) {
            read_say(s, v["say"], p + "/say", what);
        }
        if (v.contains("choices")) {
            read_choices(s, v["choices"], p + "/choices", what);
        }
        if (v.contains("intents")) {
            read_intents(s, v["intents"], p + "/intents", what);
        }
        if (v.contains("capture")) {
            read_capture(s, v["capture"], p + "/capture", what);
        }
        if (v.contains("no_match")) {
            s.no_match = read_no_match(v["no_match"], p + "/no_match", what + " \"no_match\"");
        }
        if (v.contains("next")) {
            read_next(s, v["next"], p + "/next", what);
        }
        if (v.contains("call")) {
            read_call(s, v["call"], p + "/call", what);
        }
        if (v.contains("return")) {
            s.is_return =
                read_.bool_value(v["return"], p + "/return", what + " \"return\"").value_or(false);
        }
        if (v.contains("end")) {
            s.is_end = read_.bool_value(v["end"], p + "/end", what + " \"end\"").value_or(false);
        }
        read_max_visits(s, v, p, what);

        // A state does exactly one thing after its messages.
        std::vector<std::string> behaviours;
        if (s.waits() || v.contains("choices") || v.contains("intents") || v.contains("capture")) {
            behaviours.emplace_back("waits (choices/intents/capture)");
        }
        if (v.contains("next")) {
            behaviours.emplace_back("\"next\"");
        }
        if (v.contains("call")) {
            behaviours.emplace_back("\"call\"");
        }
        if (s.is_return) {
            behaviours.emplace_back("\"return\"");
        }
        if (s.is_end) {
            behaviours.emplace_back("\"end\"");
        }
        if (behaviours.size() > 1) {
            std::string list;
            for (const std::string& b : behaviours) {
                list += list.empty() ? b : " and " + b;
            }
            report_("conflicting_behaviour",
                    p,
                    what + " both " + list +
                        "; a state does exactly one of: wait, next, call, return, end");
        }
        if (s.no_match && !s.waits()) {
            report_("bad_value",
                    p + "/no_match",
                    what + " has \"no_match\" but does not wait for input (no choices, intents "
                           "or capture)");
        }
        if (report_.count() != problems_before) {
            return std::nullopt;
        }
        return s;
    }

    void read_say(state_decl& s, const json& v, const std::string& p, const std::string& what) {
        if (!read_.expect_array(v, p, what + " \"say\"")) {
            return;
        }
        for (std::size_t i = 0; i < v.size(); ++i) {
            const std::string ip = p + "/" + std::to_string(i);
            const std::string iwhat = what + " message " + std::to_string(i);
            const json& item = v[i];
            say_item out;
            out.pointer = ip;
            if (item.is_string()) {
                if (auto id =
                        read_.id_value(item, ip, iwhat + " text id", valid_text_id, text_id_rule)) {
                    out.text_ids.push_back(*id);
                    s.say.push_back(std::move(out));
                }
                continue;
            }
            if (!item.is_object()) {
                report_("wrong_type",
                        ip,
                        iwhat + " must be a text id or an object with \"text\", not " +
                            type_name(item));
                continue;
            }
            if (item.contains("help_note")) {
                read_.check_keys(item, ip, {"help_note", "if"}, iwhat);
                auto on = read_.bool_value(
                    item["help_note"], ip + "/help_note", iwhat + " \"help_note\"");
                if (on && !*on) {
                    report_("bad_value",
                            ip + "/help_note",
                            iwhat + " has \"help_note\": false; leave the item out instead");
                    continue;
                }
                out.kind = say_item::kind::help_note;
            } else {
                read_.check_keys(item, ip, {"text", "typing_ms", "if", "flags"}, iwhat);
                if (!item.contains("text")) {
                    report_("missing_field",
                            ip,
                            iwhat + " has no \"text\" (a text id or a list of them)");
                    continue;
                }
                read_text_ids(out, item["text"], ip + "/text", iwhat);
                if (item.contains("typing_ms")) {
                    if (auto ms = read_.integer_value(item["typing_ms"],
                                                      ip + "/typing_ms",
                                                      iwhat + " \"typing_ms\"",
                                                      0,
                                                      max_typing_ms)) {
                        out.typing_ms = static_cast<std::uint32_t>(*ms);
                    }
                }
                if (item.contains("flags")) {
                    read_flags(out, item["flags"], ip + "/flags", iwhat);
                }
            }
            if (item.contains("if")) {
                out.condition = read_.condition_value(item["if"], ip + "/if", iwhat + " \"if\"");
            }
            s.say.push_back(std::move(out));
        }
    }

    void
    read_text_ids(say_item& out, const json& v, const std::string& p, const std::string& what) {
        if (v.is_string()) {
            if (auto id = read_.id_value(v, p, what + " text id", valid_text_id, text_id_rule)) {
                out.text_ids.push_back(*id);
            }
            return;
        }
        if (!v.is_array()) {
            report_("wrong_type",
                    p,
                    what + " \"text\" must be a text id or a list of variant ids, not " +
                        type_name(v));
            return;
        }
        if (v.empty() || v.size() > max_variants) {
            report_("out_of_range",
                    p,
                    what + " lists " + std::to_string(v.size()) + " variants; give 1 to " +
                        std::to_string(max_variants));
            return;
        }
        for (std::size_t i = 0; i < v.size(); ++i) {
            if (auto id = read_.id_value(v[i],
                                         p + "/" + std::to_string(i),
                                         what + " variant",
                                         valid_text_id,
                                         text_id_rule)) {
                out.text_ids.push_back(*id);
            }
        }
    }

    void read_flags(say_item& out, const json& v, const std::string& p, const std::string& what) {
        if (!read_.expect_array(v, p, what + " \"flags\"")) {
            return;
        }
        for (std::size_t i = 0; i < v.size(); ++i) {
            const std::string fp = p + "/" + std::to_string(i);
            auto name = read_.string_value(v[i], fp, what + " flag");
            if (!name) {
                continue;
            }
            if (auto flag = message_flag_from(*name)) {
                out.flags |= *flag;
            } else {
                report_("bad_value",
                        fp,
                        what + " has the unknown flag " + quote(*name) +
                            "; the flags are crisis, help_note, opener_card, disclosure");
            }
        }
    }

    void read_choices(state_decl& s, const json& v, const std::string& p, const std::string& what) {
        if (!read_.expect_array(v, p, what + " \"choices\"")) {
            return;
        }
        std::set<std::string> ids;
        for (std::size_t i = 0; i < v.size(); ++i) {
            const std::string cp = p + "/" + std::to_string(i);
            const std::string cwhat = what + " choice " + std::to_string(i);
            if (!read_.expect_object(v[i], cp, cwhat)) {
                continue;
            }
            const json& c = v[i];
            read_.check_keys(c, cp, {"id", "label", "goto", "set", "if"}, cwhat);
            choice_decl out;
            out.pointer = cp;
            bool ok = true;
            auto require = [&](const char* key) {
                if (!c.contains(key)) {
                    report_("missing_field", cp, cwhat + " has no \"" + key + "\"");
                    ok = false;
                    return false;
                }
                return true;
            };
            if (require("id")) {
                if (auto id = read_.id_value(
                        c["id"], cp + "/id", cwhat + " \"id\"", valid_text_id, text_id_rule)) {
                    if (id->rfind(safety::choice_prefix, 0) == 0) {
                        report_("bad_id",
                                cp + "/id",
                                cwhat + " uses the id " + quote(*id) +
                                    "; ids starting with \"safety.\" belong to the safety layer");
                        ok = false;
                    } else if (!ids.insert(*id).second) {
                        report_("duplicate_id",
                                cp + "/id",
                                what + " has two choices with the id " + quote(*id) +
                                    "; choice ids must be unique in a state");
                        ok = false;
                    }
                    out.id = *id;
                } else {
                    ok = false;
                }
            }
            if (require("label")) {
                if (auto label = read_.id_value(c["label"],
                                                cp + "/label",
                                                cwhat + " \"label\"",
                                                valid_text_id,
                                                text_id_rule)) {
                    out.label = *label;
                } else {
                    ok = false;
                }
            }
            if (require("goto")) {
                if (auto target = read_.id_value(c["goto"],
                                                 cp + "/goto",
                                                 cwhat + " \"goto\"",
                                                 valid_state_id,
                                                 state_id_rule)) {
                    out.target = *target;
                } else {
                    ok = false;
                }
            }
            if (c.contains("set")) {
                out.set = read_set(c["set"], cp + "/set", cwhat + " \"set\"");
            }
            if (c.contains("if")) {
                out.condition = read_.condition_value(c["if"], cp + "/if", cwhat + " \"if\"");
                ok = ok && out.condition.has_value();
            }
            if (ok) {
                s.choices.push_back(std::move(out));
            }
        }
    }

    void read_intents(state_decl& s, const json& v, const std::string& p, const std::string& what) {
        if (!read_.expect_array(v, p, what + " \"intents\"")) {
            return;
        }
        for (std::size_t i = 0; i < v.size(); ++i) {
            const std::string ip = p + "/" + std::to_string(i);
            const std::string iwhat = what + " intent " + std::to_string(i);
            if (!read_.expect_object(v[i], ip, iwhat)) {
                continue;
            }
            const json& r = v[i];
            read_.check_keys(r, ip, {"intent", "goto", "set"}, iwhat);
            intent_route out;
            out.pointer = ip;
            bool ok = true;
            if (!r.contains("intent")) {
                report_("missing_field", ip, iwhat + " has no \"intent\"");
                ok = false;
            } else if (auto id = read_.id_value(r["intent"],
                                                ip + "/intent",
                                                iwhat + " \"intent\"",
                                                valid_text_id,
                                                text_id_rule)) {
                out.intent = *id;
            } else {
                ok = false;
            }
            if (!r.contains("goto")) {
                report_("missing_field", ip, iwhat + " has no \"goto\"");
                ok = false;
            } else if (auto target = read_.id_value(r["goto"],
                                                    ip + "/goto",
                                                    iwhat + " \"goto\"",
                                                    valid_state_id,
                                                    state_id_rule)) {
                out.target = *target;
            } else {
                ok = false;
            }
            if (r.contains("set")) {
                out.set = read_set(r["set"], ip + "/set", iwhat + " \"set\"");
            }
            if (ok) {
                s.intents.push_back(std::move(out));
            }
        }
    }

    void read_capture(state_decl& s, const json& v, const std::string& p, const std::string& what) {
        const std::string cwhat = what + " \"capture\"";
        if (!read_.expect_object(v, p, cwhat)) {
            return;
        }
        read_.check_keys(v, p, {"var", "goto"}, cwhat);
        capture_decl out;
        out.pointer = p;
        if (!v.contains("var") || !v.contains("goto")) {
            report_("missing_field", p, cwhat + " needs \"var\" (the variable) and \"goto\"");
            return;
        }
        auto var = read_.id_value(
            v["var"], p + "/var", cwhat + " \"var\"", valid_variable_name, variable_rule);
        auto target = read_.id_value(
            v["goto"], p + "/goto", cwhat + " \"goto\"", valid_state_id, state_id_rule);
        if (var && target) {
            out.variable = *var;
            out.target = *target;
            s.capture = std::move(out);
        }
    }

    void read_next(state_decl& s, const json& v, const std::string& p, const std::string& what) {
        if (v.is_string()) {
            if (auto target =
                    read_.id_value(v, p, what + " \"next\"", valid_state_id, state_id_rule)) {
                s.next.push_back({std::nullopt, *target, p});
            }
            return;
        }
        if (!v.is_array()) {
            report_("wrong_type",
                    p,
                    what +
                        " \"next\" must be a state id or a list of {\"if\", \"goto\"} "
                        "branches, not " +
                        type_name(v));
            return;
        }
        if (!read_.expect_array(v, p, what + " \"next\"")) {
            return;
        }
        if (v.empty()) {
            report_("missing_field", p, what + " \"next\" is an empty list");
            return;
        }
        for (std::size_t i = 0; i < v.size(); ++i) {
            const std::string bp = p + "/" + std::to_string(i);
            const std::string bwhat = what + " \"next\" branch " + std::to_string(i);
            if (!read_.expect_object(v[i], bp, bwhat)) {
                continue;
            }
            const json& b = v[i];
            read_.check_keys(b, bp, {"if", "goto"}, bwhat);
            next_branch out;
            out.pointer = bp;
            const bool last = i + 1 == v.size();
            if (b.contains("if")) {
                out.condition = read_.condition_value(b["if"], bp + "/if", bwhat + " \"if\"");
                if (!out.condition) {
                    continue;
                }
                if (last) {
                    report_("missing_field",
                            bp,
                            bwhat + " is the last branch and has an \"if\"; the last branch must "
                                    "have none, so the state always moves on");
                }
            } else if (!last) {
                report_("bad_value",
                        bp,
                        bwhat + " has no \"if\" but is not the last branch; the branches after "
                                "it could never be taken");
            }
            if (!b.contains("goto")) {
                report_("missing_field", bp, bwhat + " has no \"goto\"");
                continue;
            }
            if (auto target = read_.id_value(
                    b["goto"], bp + "/goto", bwhat + " \"goto\"", valid_state_id, state_id_rule)) {
                out.target = *target;
                s.next.push_back(std::move(out));
            }
        }
    }

    void read_call(state_decl& s, const json& v, const std::string& p, const std::string& what) {
        const std::string cwhat = what + " \"call\"";
        if (!read_.expect_object(v, p, cwhat)) {
            return;
        }
        read_.check_keys(v, p, {"state", "return"}, cwhat);
        if (!v.contains("state") || !v.contains("return")) {
            report_("missing_field",
                    p,
                    cwhat + " needs \"state\" (where the sub-dialog starts) and \"return\" "
                            "(where to continue after it)");
            return;
        }
        auto state = read_.id_value(
            v["state"], p + "/state", cwhat + " \"state\"", valid_state_id, state_id_rule);
        auto back = read_.id_value(
            v["return"], p + "/return", cwhat + " \"return\"", valid_state_id, state_id_rule);
        if (state && back) {
            s.call = call_decl{*state, *back, p};
        }
    }

    void
    read_max_visits(state_decl& s, const json& v, const std::string& p, const std::string& what) {
        const bool has_max = v.contains("max_visits");
        const bool has_on = v.contains("on_max_visits");
        if (has_max != has_on) {
            report_("missing_field",
                    p,
                    what + " needs both \"max_visits\" and \"on_max_visits\" (where the visit "
                           "after the last allowed one goes)");
            return;
        }
        if (!has_max) {
            return;
        }
        auto n = read_.integer_value(
            v["max_visits"], p + "/max_visits", what + " \"max_visits\"", 1, max_max_visits);
        auto target = read_.id_value(v["on_max_visits"],
                                     p + "/on_max_visits",
                                     what + " \"on_max_visits\"",
                                     valid_state_id,
                                     state_id_rule);
        if (n && target) {
            s.max_visits = static_cast<std::uint32_t>(*n);
            s.on_max_visits = *target;
            s.on_max_visits_pointer = p + "/on_max_visits";
        }
    }

    model& m_;
    reporter& report_;
    reader read_;
};

class strings_loader {
public:
    strings_loader(locale_strings& out, reporter& report)
        : out_(out)
        , report_(report)
        , read_(report) {}

    void load(const json& root, std::string_view dialog_id) {
        if (!read_.expect_object(root, "", "a strings file")) {
            return;
        }
        read_.check_keys(root,
                         "",
                         {"$schema", "schema_version", "dialog", "locale", "strings", "intents"},
                         "the strings file");
        if (!root.contains("schema_version")) {
            report_("missing_field",
                    "",
                    "the strings file has no \"schema_version\"; add \"schema_version\": " +
                        std::to_string(supported_schema_version));
        } else if (newer_than_supported(root["schema_version"])) {
            report_("unsupported_schema",
                    "/schema_version",
                    "this strings file uses format " + root["schema_version"].dump() +
                        ", but this heregoes reads format " +
                        std::to_string(supported_schema_version) +
                        " at most; upgrade heregoes to load it");
            return;
        } else {
            read_.integer_value(root["schema_version"],
                                "/schema_version",
                                "\"schema_version\"",
                                1,
                                supported_schema_version);
        }
        if (!root.contains("dialog")) {
            report_("missing_field",
                    "",
                    "the strings file has no \"dialog\"; add \"dialog\": \"" +
                        std::string(dialog_id.substr(0, max_echo)) + "\"");
        } else if (auto d = read_.string_value(root["dialog"], "/dialog", "\"dialog\"")) {
            if (*d != dialog_id) {
                report_("wrong_dialog",
                        "/dialog",
                        "the strings file is for the dialog " + quote(*d) +
                            ", but it is read for " + quote(dialog_id));
            }
        }
        if (!root.contains("locale")) {
            report_("missing_field",
                    "",
                    "the strings file has no \"locale\"; add \"locale\": \"" + out_.locale + "\"");
        } else if (auto l = read_.string_value(root["locale"], "/locale", "\"locale\"")) {
            if (*l != out_.locale) {
                report_("wrong_locale",
                        "/locale",
                        "the strings file says it is for the locale " + quote(*l) +
                            ", but it sits in the folder for " + quote(out_.locale));
            }
        }
        if (!root.contains("strings")) {
            report_("missing_field", "", "the strings file has no \"strings\"");
        } else {
            read_strings(root["strings"]);
        }
        if (root.contains("intents")) {
            read_intents(root["intents"]);
        }
    }

private:
    void read_strings(const json& v) {
        if (!read_.expect_object(v, "/strings", "\"strings\"")) {
            return;
        }
        for (const auto& [id, value] : v.items()) {
            const std::string p = "/strings/" + pointer_token(id);
            const std::string what = "the string " + quote(id);
            if (!valid_text_id(id)) {
                report_("bad_id",
                        p,
                        "the text id " + quote(id) + " is not valid; use " +
                            std::string(text_id_rule));
                continue;
            }
            string_entry e;
            e.id = id;
            e.pointer = p;
            if (value.is_string()) {
                auto text = read_.string_value(value, p, what);
                if (!text) {
                    continue;
                }
                e.text = *text;
            } else if (value.is_object()) {
                read_.check_keys(value, p, {"text", "ref", "note"}, what);
                if (!value.contains("text")) {
                    report_("missing_field", p, what + " has no \"text\"");
                    continue;
                }
                auto text = read_.string_value(value["text"], p + "/text", what + " \"text\"");
                if (!text) {
                    continue;
                }
                e.text = *text;
                if (value.contains("ref")) {
                    e.ref = read_.string_value(value["ref"], p + "/ref", what + " \"ref\"")
                                .value_or("");
                }
                if (value.contains("note")) {
                    e.note = read_.string_value(value["note"], p + "/note", what + " \"note\"")
                                 .value_or("");
                }
            } else {
                report_("wrong_type",
                        p,
                        what + " must be a string or an object with \"text\", not " +
                            type_name(value));
                continue;
            }
            e.placeholders = placeholders(e.text);
            for (const std::string& name : e.placeholders) {
                if (!valid_variable_name(name)) {
                    report_("bad_placeholder",
                            p,
                            what + " has the placeholder {{" +
                                std::string(name.substr(0, max_echo)) +
                                "}}, which is not a valid variable name");
                }
            }
            out_.strings.emplace(id, std::move(e));
        }
    }

    void read_intents(const json& v) {
        if (!read_.expect_object(v, "/intents", "\"intents\"")) {
            return;
        }
        for (const auto& [id, patterns] : v.items()) {
            const std::string p = "/intents/" + pointer_token(id);
            const std::string what = "the intent " + quote(id);
            if (!valid_text_id(id)) {
                report_("bad_id",
                        p,
                        "the intent id " + quote(id) + " is not valid; use " +
                            std::string(text_id_rule));
                continue;
            }
            if (!read_.expect_array(patterns, p, what)) {
                continue;
            }
            if (patterns.empty()) {
                report_("missing_field", p, what + " has no patterns; give at least one");
                continue;
            }
            intent_decl decl;
            decl.id = id;
            decl.pointer = p;
            for (std::size_t i = 0; i < patterns.size(); ++i) {
                const std::string pp = p + "/" + std::to_string(i);
                auto source =
                    read_.string_value(patterns[i], pp, what + " pattern " + std::to_string(i));
                if (!source) {
                    continue;
                }
                if (auto problem = check_intent_pattern(*source)) {
                    report_("bad_regex",
                            pp,
                            what + " pattern " + std::to_string(i) +
                                " is not a valid re2 "
                                "pattern: " +
                                *problem);
                    continue;
                }
                decl.patterns.push_back({*source, pp});
            }
            out_.intents.emplace(id, std::move(decl));
        }
    }

    locale_strings& out_;
    reporter& report_;
    reader read_;
};

} // namespace

std::filesystem::path strings_file_path(const std::filesystem::path& graph_file,
                                        std::string_view id,
                                        std::string_view locale) {
    return graph_file.parent_path() / "strings" / std::string(locale) / (std::string(id) + ".json");
}

expected<std::string> read_dialog_file(const std::filesystem::path& file) {
    std::error_code ec;
    const auto size = std::filesystem::file_size(file, ec);
    if (ec) {
        return fail("unreadable", "cannot read the file: " + ec.message(), file.string());
    }
    if (size > max_dialog_file_bytes) {
        return fail("too_large",
                    "the file is " + std::to_string(size) + " bytes; dialog files may be at most " +
                        std::to_string(max_dialog_file_bytes),
                    file.string());
    }
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        return fail("unreadable", "cannot open the file", file.string());
    }
    std::string text(static_cast<std::size_t>(size), '\0');
    in.read(text.data(), static_cast<std::streamsize>(size));
    text.resize(static_cast<std::size_t>(in.gcount()));
    return text;
}

namespace {

// Loads one graph from text; `strings_text(locale)` supplies each strings file's text or error.
template <class StringsSource>
load_result load_from(std::string_view graph_text,
                      const std::filesystem::path& graph_name,
                      StringsSource&& strings_text) {
    load_result result;
    const std::string file = graph_name.string();
    if (graph_text.size() > max_dialog_file_bytes) {
        result.diagnostics.push_back(fail("too_large",
                                          "the file is " + std::to_string(graph_text.size()) +
                                              " bytes; dialog files may be at most " +
                                              std::to_string(max_dialog_file_bytes),
                                          file));
        return result;
    }
    json_read_result parsed = read_bounded_json(graph_text, file, max_json_depth);
    result.diagnostics = std::move(parsed.diagnostics);
    if (!parsed.value) {
        return result;
    }
    model m;
    m.file = graph_name;
    reporter report(file, result.diagnostics);
    graph_loader graph(m, report);
    if (!graph.load(*parsed.value)) {
        return result;
    }
    parsed.value.reset(); // free the tree before reading the strings
    if (!m.id.empty()) {
        for (const std::string& locale : m.locales) {
            locale_strings strings;
            strings.locale = locale;
            strings.file = strings_file_path(graph_name, m.id, locale);
            const std::string strings_name = strings.file.string();
            expected<std::string> text = strings_text(locale, strings.file);
            if (!text) {
                error e = text.error();
                e.code = "missing_strings";
                e.message = "no strings for the locale " + quote(locale) + ": " + e.message;
                if (e.where.empty()) {
                    e.where = strings_name;
                }
                result.diagnostics.push_back(std::move(e));
                continue;
            }
            json_read_result sparsed = read_bounded_json(*text, strings_name, max_json_depth);
            for (error& e : sparsed.diagnostics) {
                result.diagnostics.push_back(std::move(e));
            }
            if (!sparsed.value) {
                continue;
            }
            reporter sreport(strings_name, result.diagnostics);
            strings_loader(strings, sreport).load(*sparsed.value, m.id);
            m.strings.push_back(std::move(strings));
        }
    }
    result.model = std::move(m);
    return result;
}

} // namespace

load_result load_model(const std::filesystem::path& graph_file) {
    expected<std::string> text = read_dialog_file(graph_file);
    if (!text) {
        load_result result;
        result.diagnostics.push_back(text.error());
        return result;
    }
    return load_from(*text, graph_file, [](std::string_view, const std::filesystem::path& file) {
        if (!std::filesystem::exists(file)) {
            return expected<std::string>(fail("missing_strings",
                                              "the file does not exist; create it "
                                              "(translators work in these files)",
                                              file.string()));
        }
        return read_dialog_file(file);
    });
}

load_result load_model_from_text(std::string_view graph_text,
                                 const std::filesystem::path& graph_name,
                                 const std::map<std::string, std::string>& strings_texts) {
    return load_from(graph_text,
                     graph_name,
                     [&strings_texts](std::string_view locale, const std::filesystem::path& file) {
                         const auto it = strings_texts.find(std::string(locale));
                         if (it == strings_texts.end()) {
                             return expected<std::string>(fail(
                                 "missing_strings", "no strings text was given", file.string()));
                         }
                         if (it->second.size() > max_dialog_file_bytes) {
                             return expected<std::string>(
                                 fail("too_large", "the strings text is too large", file.string()));
                         }
                         return expected<std::string>(it->second);
                     });
}

} // namespace heregoes::dialog
