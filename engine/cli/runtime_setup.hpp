#pragma once

// What `chat` and `test` need before the first turn: today's date (for the crisis resources'
// review dates), the real safety gate loaded from the safety data folder, and the dialogs of a
// directory. Shared so both commands build the runtime exactly as the server does.

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

// Loads the safety gate from `safety_dir` for `region`, as of `today`.
expected<std::unique_ptr<safety::screening_gate>> load_safety_gate(const std::string& safety_dir,
                                                                   const std::string& region,
                                                                   safety::civil_date today);

// Loads every dialog in `dialogs_dir`; problems of dialogs that did not load are printed on `err`
// (the others still run). An error when the folder does not exist.
expected<std::shared_ptr<const dialog::dialog_set>> load_dialogs(const std::string& dialogs_dir,
                                                                 std::ostream& err);

} // namespace heregoes::cli
