#pragma once

// `heregoes strings`: every user-visible string of a dialog in one locale, with its id and the
// clinical reference it rests on, in the order a person would meet them (breadth-first from the
// start state along the graph). For clinical review and for translators.

#include "engine/dialog/model.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace heregoes::authoring {

struct listed_string {
    std::string state; // the first state that uses it; empty for the dialog's default no_match
    std::string text_id;
    std::string role;     // "say", "variant", "choice", "reprompt"
    bool missing = false; // the locale has no text for this id
    std::string text;
    std::string ref;
};

// The states in graph order: breadth-first from start, edges in file order; unreachable states
// follow in file order.
std::vector<const dialog::state_decl*> states_in_graph_order(const dialog::model& m);

// Each text id the graph uses, once, at its first use in graph order.
std::vector<listed_string> list_strings(const dialog::model& m, std::string_view locale);

// The listing as text: one block per state, one line per string ("  id: text"), refs below.
std::string format_string_listing(const dialog::model& m,
                                  std::string_view locale,
                                  const std::vector<listed_string>& strings);

} // namespace heregoes::authoring
