#pragma once

// `heregoes lint`: checks dialog graph files, their strings files and the safety layer's data
// files, and reports every problem found (not just the first), each with its place and the
// offending ids. A graph file is first loaded (engine/dialog/loader.hpp), which reports JSON syntax
// as file:line:column and shape problems (types, keys, ids, topics outside the vocabulary,
// conditions) as file#/pointer. When the graph's shape is sound, the checks below run on the model.
//
// The rules (each diagnostic's code in brackets; E = error, W = warning):
//  - Targets [unknown_target E]: start, every goto, next, call state and return, on_max_visits,
//    migrate target and route goto names a state.
//  - Reachability [unreachable_state E]: every state is reachable from start through choices,
//    intents, captures, no_match, next, calls and their returns, on_max_visits, and the global
//    routes and default no_match (which apply as soon as any waiting state is reachable).
//  - Shape [dead_end E]: a state waits (choices, intents, capture), moves on (next), calls,
//    returns, ends, or has a visit bound. [silent_waiting_state E/W]: a waiting state says at
//    least one text (W when every message has an "if").
//  - No-match [missing_no_match E]: every waiting state that does not capture has no_match
//    handling, its own or the dialog's default. Every waiting state accepts free text (global
//    routes work everywhere), so every one needs a way forward for text nobody understood.
//  - Loops [unbounded_loop E]: no cycle of automatic states (no waiting state in it) unless one
//    of its states has max_visits. [return_outside_call E]: a `return` state is never reachable
//    from start or a route target without passing through a call.
//  - Disclosure [missing_disclosure E]: every path of the first turn (start through next
//    branches and calls, to the first waiting or end state) says an unconditional message
//    flagged "disclosure": the person learns at once that the guide is automated.
//  - Crisis and stop [missing_stop_route E, stop_route_not_always E, stop_route_restarts E,
//    missing_help_route E]. Crisis help is wired in code: the safety gate screens every input in
//    every state before the dialog sees it, and `safety.help_now` works at any time, so no dialog
//    can route around it. What a dialog can break is the way out and the way to help. So lint
//    requires a global route with intent `stop` and "always": true (it then works from every
//    waiting state, capture states included) that leads somewhere instead of restarting, and a
//    global route with intent `help`.
//  - Choices [duplicate_choice_id E]: choice ids are unique within a state.
//  - Locales [missing_text E, placeholder_mismatch E, unused_text W, missing_intent E,
//    unused_intent W, bad_regex E]: every text id and intent the graph uses exists in every
//    locale of "locales"; a text has the same placeholders in every locale; re2 accepts every
//    pattern (case-insensitive, UTF-8, as the runtime compiles it).
//  - Safety data [codes of engine/safety/safety_lint.hpp]: crisis resources past their review
//    date are errors, due within 30 days warnings; pattern packs and messages must be complete.
//  - Variables [unknown_variable E, read_only_variable E, variable_never_set W, unused_variable W]:
//    every variable a set, capture, condition or placeholder names is declared; deployment
//    variables are never written; a session variable shown in a string is set somewhere.

#include "engine/dialog/model.hpp"
#include "engine/lint/diagnostic.hpp"
#include "engine/safety/civil_date.hpp"

#include <filesystem>
#include <set>
#include <string>
#include <vector>

namespace heregoes::lint {

struct lint_result {
    std::vector<diagnostic> diagnostics;
    std::size_t dialogs_checked = 0;     // graph files
    std::size_t strings_checked = 0;     // strings files read through their graph
    std::size_t safety_dirs_checked = 0; // safety data folders
    bool missing_paths = false; // a path given does not exist (the CLI exits with a usage error)
};

// Runs every model check (graph, locales, variables). Locales in `skip_locales` had structural
// problems in their strings file and are left out of the locale checks.
std::vector<diagnostic> lint_model(const dialog::model& m,
                                   const std::set<std::string>& skip_locales = {});

// Loads one graph file with its strings files and lints it.
std::vector<diagnostic> lint_graph_file(const std::filesystem::path& graph_file);

// Lints files and directories (searched recursively): graph files `*.json`, strings files under
// `strings/<locale>/` (checked with their graph), and a `safety/` folder of safety data (pattern
// packs, messages, crisis resources, via safety::lint_safety_data, with review dates checked
// against `today`); `*.schema.json` files are skipped.
lint_result lint_paths(const std::vector<std::filesystem::path>& paths, safety::civil_date today);

} // namespace heregoes::lint
