#pragma once

// The graph checks of `heregoes lint`: everything about states and edges that a JSON Schema cannot
// see. Each check is a function so tests can name the one they exercise; check_graph runs them all.
// The rules are documented in lint.hpp and docs/dialog-format.md ("Lint").

#include "engine/dialog/model.hpp"
#include "engine/lint/diagnostic.hpp"

#include <vector>

namespace heregoes::lint {

// Every target (start, goto, next, call, return, on_max_visits, migrate, routes) names a state.
void check_targets(const dialog::model& m, std::vector<diagnostic>& out);

// Choice ids are unique within a state.
void check_choice_ids(const dialog::model& m, std::vector<diagnostic>& out);

// Every state ends, waits, moves on, calls or returns; waiting states say something and handle
// text they do not understand.
void check_state_shapes(const dialog::model& m, std::vector<diagnostic>& out);

// Every state is reachable from start (through every edge, global routes and calls included).
void check_reachability(const dialog::model& m, std::vector<diagnostic>& out);

// No cycle of automatic states without a waiting state or a max_visits bound; no `return` state
// reachable outside a call.
void check_loops(const dialog::model& m, std::vector<diagnostic>& out);

// Every path of the first turn says an unconditional message flagged `disclosure`.
void check_disclosure(const dialog::model& m, std::vector<diagnostic>& out);

// A global `stop` route marked `"always": true` and a global `help` route exist.
void check_safety_routes(const dialog::model& m, std::vector<diagnostic>& out);

// All of the above, in that order.
void check_graph(const dialog::model& m, std::vector<diagnostic>& out);

} // namespace heregoes::lint
