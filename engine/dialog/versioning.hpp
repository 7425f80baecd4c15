#pragma once

// Carrying live sessions over to a new version of their dialog. A session continues at the same
// state id when the new version still has it, follows the new file's "migrate" map when it does
// not, and otherwise stays on the old version, which the dialog set keeps loaded. Variables are
// carried over by name; safety memory, seed and seq always carry over unchanged.

#include "engine/dialog/dialog.hpp"
#include "engine/dialog/dialog_set.hpp"
#include "engine/dialog/session.hpp"

#include <memory>
#include <optional>

namespace heregoes::dialog {

// The session moved from `from` to `to`, or nullopt when it cannot move (its state, or a state on
// its call stack, has no counterpart in `to`, or `to` lacks the session's locale).
std::optional<session> migrate(const dialog& from, const dialog& to, const session& s);

// The dialog a loaded session should run on: the newest version when `s` can migrate to it (then
// `s` is updated in place), else the version it was saved on. Null when neither is loaded (the
// server then reports the session as lost and starts afresh).
std::shared_ptr<const dialog> upgrade(const dialog_set& set, session& s);

} // namespace heregoes::dialog
