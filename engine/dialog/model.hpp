#pragma once

// The dialog model: a dialog graph file and its strings files as the author wrote them, parsed and
// checked for shape but not yet compiled. Ids are still strings and nothing is resolved, so the
// linter can run its graph checks on it and the authoring tools can list strings and edges. Every
// element keeps the JSON pointer it came from ("/states/welcome/choices/0"), so a message about it
// can name the exact place in the file.

#include "engine/core/topic.hpp"
#include "engine/dialog/condition.hpp"

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace heregoes::dialog {

// The newest graph and strings file format this build reads ("schema_version").
inline constexpr int supported_schema_version = 1;

// Captured text is cut to this many characters unless a variable sets its own max_length; long
// enough for an opening line of two or three sentences, short enough to read back on one screen.
inline constexpr std::size_t default_capture_max_length = 280;

// A condition as written (`"if": "hardest == 'trust'"`) with its parsed form.
struct condition_source {
    std::string text;
    condition_expr expr;
    std::string pointer; // of the "if" member
};

// `"set": {"name": "value"}`, one entry per variable.
struct assignment {
    std::string variable;
    std::string value;
    std::string pointer; // of the member, e.g. "/states/a/set/hardest"
};

struct variable_decl {
    std::string name;
    bool from_deployment = false; // set by the deployment's configuration; read-only for the dialog
    std::string default_value;    // the deployment default ("default"); empty otherwise
    bool sensitive = false;       // never logged; erased with the session
    std::size_t max_length = default_capture_max_length; // characters kept when captured
    std::string pointer;                                 // "/variables/<name>"
};

// One entry of a state's "say" list.
struct say_item {
    enum class kind : std::uint8_t {
        text,      // one of `text_ids`, picked by the session's seed when there are several
        help_note, // the safety layer's one-line "where to get urgent help"
    };
    kind kind = kind::text;
    std::vector<std::string> text_ids; // one id, or the variants; empty for help_note
    std::optional<std::uint32_t> typing_ms;
    std::optional<condition_source> condition;
    std::uint32_t flags = 0; // heregoes::message_flag bits from "flags"
    std::string pointer;     // "/states/<id>/say/<n>"
};

struct choice_decl {
    std::string id;
    std::string label; // text id
    std::string target;
    std::vector<assignment> set;
    std::optional<condition_source> condition;
    std::string pointer; // "/states/<id>/choices/<n>"
};

struct intent_route {
    std::string intent;
    std::string target;
    std::vector<assignment> set;
    std::string pointer; // "/states/<id>/intents/<n>"
};

struct capture_decl {
    std::string variable;
    std::string target;
    std::string pointer; // "/states/<id>/capture"
};

struct no_match_decl {
    std::vector<std::string> reprompts; // text ids, said on the 1st, 2nd, ... miss
    std::string target;                 // where the miss after the last reprompt goes
    std::string pointer;                // "/states/<id>/no_match" or "/no_match"
};

// One branch of "next": a plain "next": "a" is one branch without a condition.
struct next_branch {
    std::optional<condition_source> condition;
    std::string target;
    std::string pointer; // "/states/<id>/next" or "/states/<id>/next/<n>"
};

struct call_decl {
    std::string state;     // where the sub-dialog starts
    std::string return_to; // where the caller continues after the sub-dialog returns
    std::string pointer;   // "/states/<id>/call"
};

struct state_decl {
    std::string id;
    heregoes::topic topic = heregoes::topic::fallback;
    std::vector<assignment> set;
    std::vector<say_item> say;
    std::vector<choice_decl> choices;
    std::vector<intent_route> intents;
    std::optional<capture_decl> capture;
    std::optional<no_match_decl> no_match;
    std::vector<next_branch> next;
    std::optional<call_decl> call;
    bool is_return = false;
    bool is_end = false;
    std::optional<std::uint32_t> max_visits;
    std::string on_max_visits; // empty unless max_visits is set
    std::string on_max_visits_pointer;
    std::string pointer; // "/states/<id>"

    // True when the state waits for the person: it has choices, intents or a capture.
    bool waits() const { return !choices.empty() || !intents.empty() || capture.has_value(); }
};

struct global_route {
    enum class action : std::uint8_t {
        go,      // "goto": move to a state, clearing the call stack
        restart, // "action": "restart"
        forget,  // "action": "forget": the server erases the session; then start again or goto
    };
    std::string intent;
    action action = action::go;
    std::string target;  // for go (required) and forget (optional)
    bool always = false; // also tried in capture states
    std::string pointer; // "/routes/<n>"
};

struct migrate_entry {
    std::string from_state; // a state id of an older version
    std::string to_state;   // a state id of this version
    std::string pointer;    // "/migrate/<from>"
};

// One entry of a strings file's "strings".
struct string_entry {
    std::string id;
    std::string text;
    std::string ref;  // section of clinical.md the string rests on; may be empty
    std::string note; // for translators and reviewers; may be empty
    std::vector<std::string> placeholders; // {{names}} in order of appearance, repeats kept
    std::string pointer;                   // "/strings/<id>" (JSON-pointer escaped)
};

struct intent_pattern {
    std::string source;  // the re2 pattern as written, before "(?i)" is added
    std::string pointer; // "/intents/<intent>/<n>"
};

struct intent_decl {
    std::string id;
    std::vector<intent_pattern> patterns;
    std::string pointer; // "/intents/<intent>"
};

// Everything one locale supplies for the dialog, from dialogs/strings/<locale>/<id>.json.
struct locale_strings {
    std::string locale;
    std::filesystem::path file; // as read; diagnostics about it use this path
    std::map<std::string, string_entry, std::less<>> strings;
    std::map<std::string, intent_decl, std::less<>> intents;
};

struct model {
    std::filesystem::path file; // the graph file as given to the loader
    int schema_version = 0;
    std::string id;
    std::uint32_t version = 0;
    std::string start;
    std::vector<std::string> locales;     // "locales", default {"en"}
    std::vector<variable_decl> variables; // in file order
    std::vector<global_route> routes;
    std::optional<no_match_decl> no_match;
    std::vector<migrate_entry> migrate;
    std::vector<state_decl> states;      // in file order
    std::vector<locale_strings> strings; // one per entry of `locales` that could be read

    // Lookups by id; nullptr when absent.
    const state_decl* find_state(std::string_view id) const;
    const variable_decl* find_variable(std::string_view name) const;
    const locale_strings* find_locale(std::string_view locale) const;
};

// ---- Views for the linter and the authoring tools ----

// One edge of the state graph: from a state (or the dialog itself, for routes and the default
// no_match) to a target state id, with the pointer of the member naming the target.
struct edge {
    enum class kind : std::uint8_t {
        start,       // the dialog's "start" (from is empty)
        choice,      // a choice's goto
        intent,      // a state intent's goto
        capture,     // a capture's goto
        no_match,    // a state's no_match goto
        next,        // a next branch
        call,        // into a sub-dialog ("call.state")
        call_return, // where a call continues ("call.return")
        max_visits,  // on_max_visits
        route,       // a global route's goto (from is empty: it applies to every waiting state)
        default_no_match, // the dialog-level no_match goto (from is empty)
        migrate, // a migrate map entry (from is the old state id, not a state of this model)
    };
    kind kind = kind::next;
    std::string from; // source state id; empty for dialog-level edges
    std::string to;   // target state id as written (may be unknown: the linter reports it)
    std::string pointer;
};

// Every edge of the model, states in file order.
std::vector<edge> edges(const model& m);

// A use of a text id by the graph (say items, variants, choice labels, reprompts).
struct text_use {
    std::string text_id;
    std::string state; // the state using it; empty for the dialog-level no_match
    std::string pointer;
};

// Every text id the graph uses, in file order (repeats kept, one per use).
std::vector<text_use> text_uses(const model& m);

// A use of an intent id by the graph (state intents and global routes).
struct intent_use {
    std::string intent;
    std::string state; // empty for global routes
    std::string pointer;
};

// Every intent id the graph uses, in file order.
std::vector<intent_use> intent_uses(const model& m);

// A use of a variable by the graph: set, captured or tested in a condition.
struct variable_use {
    enum class kind : std::uint8_t { set, capture, test };
    kind kind = kind::test;
    std::string variable;
    std::string state; // empty for dialog-level uses
    std::string pointer;
};

// Every variable the graph sets, captures or tests, in file order. Placeholders in strings are in
// string_entry::placeholders.
std::vector<variable_use> variable_uses(const model& m);

// The {{placeholder}} names in a text, in order of appearance (repeats kept). Whitespace inside
// the braces is ignored ("{{ name }}"); a "{{" without a closing "}}" is literal text.
std::vector<std::string> placeholders(std::string_view text);

// Escapes one JSON pointer reference token ("~" -> "~0", "/" -> "~1").
std::string pointer_token(std::string_view token);

} // namespace heregoes::dialog
