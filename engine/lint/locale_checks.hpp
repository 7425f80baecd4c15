#pragma once

// The locale and variable checks of `heregoes lint`: every text id and intent the graph uses
// exists in every locale, placeholders agree between locales, intent patterns compile in re2, and
// every variable the graph or a string names is declared.

#include "engine/dialog/model.hpp"
#include "engine/lint/diagnostic.hpp"

#include <set>
#include <string>
#include <vector>

namespace heregoes::lint {

// Text ids the graph uses that a locale lacks; placeholders that differ between locales; strings
// no state uses (warning). Locales in `skip` (their file had structural problems) are not checked.
void check_texts(const dialog::model& m,
                 const std::set<std::string>& skip,
                 std::vector<diagnostic>& out);

// Intents the graph uses that a locale lacks; patterns re2 rejects; intents no one uses (warning).
void check_intents(const dialog::model& m,
                   const std::set<std::string>& skip,
                   std::vector<diagnostic>& out);

// Variables named by sets, captures, conditions and placeholders are declared; deployment
// variables are not written; session variables a string shows are set somewhere (warning).
void check_variables(const dialog::model& m,
                     const std::set<std::string>& skip,
                     std::vector<diagnostic>& out);

} // namespace heregoes::lint
