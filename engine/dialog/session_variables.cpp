// Session variables by name (session_variables.hpp).

#include "engine/dialog/session_variables.hpp"

#include "engine/dialog/compiled_dialog.hpp"

#include <algorithm>

namespace heregoes::dialog {

expected<void> set_variable(const dialog& d, session& s, std::string_view name, std::string value) {
    const auto index = d.find_variable(name);
    if (!index) {
        return fail("unknown_variable",
                    "the dialog '" + d.id() + "' declares no variable '" + std::string(name) + "'");
    }
    if (d.variable_from_deployment(*index)) {
        return fail("read_only_variable",
                    "'" + std::string(name) + "' comes from the deployment and cannot be set");
    }
    const auto it = std::find_if(
        s.vars.begin(), s.vars.end(), [&](const variable_value& v) { return v.index == *index; });
    if (value.empty()) {
        if (it != s.vars.end()) {
            s.vars.erase(it);
        }
        return {};
    }
    if (it != s.vars.end()) {
        it->value = std::move(value);
    } else {
        s.vars.push_back(variable_value{*index, std::move(value)});
    }
    return {};
}

std::optional<std::string>
variable_value_of(const dialog& d, const session& s, std::string_view name) {
    const auto index = d.find_variable(name);
    if (!index) {
        return std::nullopt;
    }
    if (d.variable_from_deployment(*index)) {
        return d.data().variables[*index].deployment_value;
    }
    for (const variable_value& v : s.vars) {
        if (v.index == *index) {
            return v.value;
        }
    }
    return std::nullopt;
}

void erase_sensitive(const dialog& d, session& s) {
    std::erase_if(s.vars, [&d](const variable_value& v) {
        return v.index >= d.variable_count() || d.variable_sensitive(v.index);
    });
}

} // namespace heregoes::dialog
