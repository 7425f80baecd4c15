#pragma once

// What `chat` and `test` need before the first turn: today's date (for the crisis resources'
// review dates), the real safety gate loaded from the safety data folder, and the dialogs of a
// directory, each taken from the command's own options. Shared so both commands build the
// runtime exactly as the server does and explain a failure the same way.

#include "engine/cli/command_line.hpp"
#include "engine/core/expected.hpp"
#include "engine/dialog/dialog_set.hpp"
#include "engine/safety/civil_date.hpp"
#include "engine/safety/screening_gate.hpp"

#include <memory>
#include <ostream>
#include <string>

namespace heregoes::cli {

// Today's date in UTC, from the system clock.
safety::civil_date today_utc();

// Parses a --today value (YYYY-MM-DD); an error naming the flag otherwise.
expected<safety::civil_date> parse_today(const std::string& text);

// The dialogs of the command's dialogs folder (dialogs_folder); problems of dialogs that did not
// load are printed on `err` and the others still run. When the folder does not exist, prints
// "heregoes NAME: why" on `err` and returns nullptr.
std::shared_ptr<const dialog::dialog_set>
load_command_dialogs(const command_spec& spec, const parsed_arguments& parsed, std::ostream& err);

// The safety gate from --safety DIR (default: the safety folder inside the dialogs folder) for
// --region CODE (default: US), as of today in UTC. When it cannot be loaded, prints
// "heregoes NAME: cannot load the safety gate: why" on `err` and returns nullptr.
std::unique_ptr<safety::screening_gate>
load_command_gate(const command_spec& spec, const parsed_arguments& parsed, std::ostream& err);

} // namespace heregoes::cli
