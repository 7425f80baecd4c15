#pragma once

// Reading and writing a session's variables by name, for tools (transcript tests preset
// variables, the chat tool shows them) and the server (erasing sensitive values). The turn itself
// works on indexes and never goes through here.

#include "engine/core/expected.hpp"
#include "engine/dialog/dialog.hpp"
#include "engine/dialog/session.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace heregoes::dialog {

// Sets a session variable; an error when `d` declares no such variable or it comes from the
// deployment (read-only). An empty value unsets it.
expected<void> set_variable(const dialog& d, session& s, std::string_view name, std::string value);

// The current value: the session's value, the deployment's value for deployment variables, or
// nullopt when unset or undeclared.
std::optional<std::string>
variable_value_of(const dialog& d, const session& s, std::string_view name);

// Removes every sensitive variable from the session (what the person typed or chose that is
// personal), leaving the rest.
void erase_sensitive(const dialog& d, session& s);

} // namespace heregoes::dialog
