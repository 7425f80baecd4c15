#pragma once

// The safety-data lint, called by `heregoes lint`: checks every pattern pack (JSON shape, each
// pattern compiles, with locale and JSON pointer), every messages file (all ids present, every
// placeholder known for every region) and the crisis resources (dates, sources, review windows:
// an error past review_by, a warning 30 days ahead). Pure apart from reading the files.

#include "engine/safety/civil_date.hpp"
#include "engine/safety/diagnostic.hpp"

#include <string>
#include <vector>

namespace heregoes::safety {

// Lints the safety data under `data_dir` (dialogs/safety) as of `today`. An empty result means
// the data is ready to ship.
std::vector<diagnostic> lint_safety_data(const std::string& data_dir, civil_date today);

} // namespace heregoes::safety
