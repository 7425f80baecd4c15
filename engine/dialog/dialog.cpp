// Accessors of the compiled dialog (dialog.hpp): thin reads of the tables in compiled_dialog.hpp.

#include "engine/dialog/dialog.hpp"

#include "engine/dialog/compiled_dialog.hpp"

#include <algorithm>

namespace heregoes::dialog {

dialog::dialog(std::unique_ptr<const detail::dialog_data> data)
    : data_(std::move(data)) {
}

dialog::~dialog() = default;

const std::string& dialog::id() const noexcept {
    return data_->id;
}

std::uint32_t dialog::version() const noexcept {
    return data_->version;
}

const std::vector<std::string>& dialog::locales() const noexcept {
    return data_->locale_names;
}

bool dialog::has_locale(std::string_view locale) const noexcept {
    return data_->find_locale(locale) != nullptr;
}

state_index dialog::start() const noexcept {
    return data_->start;
}

std::size_t dialog::state_count() const noexcept {
    return data_->states.size();
}

const std::string& dialog::state_id(state_index state) const {
    return data_->states.at(state).id;
}

heregoes::topic dialog::state_topic(state_index state) const {
    return data_->states.at(state).topic;
}

std::optional<state_index> dialog::find_state(std::string_view id) const noexcept {
    const auto it = data_->state_lookup.find(id);
    if (it == data_->state_lookup.end()) {
        return std::nullopt;
    }
    return it->second;
}

std::size_t dialog::variable_count() const noexcept {
    return data_->variables.size();
}

const std::string& dialog::variable_name(variable_index variable) const {
    return data_->variables.at(variable).name;
}

bool dialog::variable_sensitive(variable_index variable) const {
    return data_->variables.at(variable).sensitive;
}

bool dialog::variable_from_deployment(variable_index variable) const {
    return data_->variables.at(variable).from_deployment;
}

std::optional<variable_index> dialog::find_variable(std::string_view name) const noexcept {
    for (std::size_t i = 0; i < data_->variables.size(); ++i) {
        if (data_->variables[i].name == name) {
            return static_cast<variable_index>(i);
        }
    }
    return std::nullopt;
}

const heregoes::dialog::model& dialog::source() const noexcept {
    return data_->source;
}

} // namespace heregoes::dialog
