#pragma once

// The compiled dialog: immutable, shared by every session that runs on it. Compiling resolves ids
// to indexes, parses conditions into small programs, compiles each locale's intent patterns once
// (one re2 set per locale, so a text is matched against every pattern in one pass) and splits
// every string into literal and variable segments with the deployment's values already filled in.
// Sessions refer to it only by id, version and indexes (session.hpp).

#include "engine/core/expected.hpp"
#include "engine/core/topic.hpp"
#include "engine/dialog/model.hpp"
#include "engine/dialog/session.hpp"

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace heregoes::dialog {

namespace detail {
struct dialog_data; // compiled tables; see compiled_dialog.hpp (runtime internals)
}

// What a deployment supplies when loading dialogs.
struct load_options {
    // Values of "from": "deployment" variables by name ("practice_name" -> "Riverside Clinic").
    // Variables not listed keep the dialog's default; names no dialog declares are ignored.
    std::map<std::string, std::string, std::less<>> deployment;
};

class dialog {
public:
    explicit dialog(std::unique_ptr<const detail::dialog_data> data);
    ~dialog();
    dialog(const dialog&) = delete;
    dialog& operator=(const dialog&) = delete;

    // The dialog id and version, as in the graph file.
    const std::string& id() const noexcept;
    std::uint32_t version() const noexcept;

    // The locales this dialog can run in (its "locales").
    const std::vector<std::string>& locales() const noexcept;
    bool has_locale(std::string_view locale) const noexcept;

    // States by index (0 .. state_count()-1, in file order); state_id and state_topic throw
    // std::out_of_range for an index outside the dialog. find_state: nullopt when absent.
    state_index start() const noexcept;
    std::size_t state_count() const noexcept;
    const std::string& state_id(state_index state) const;
    heregoes::topic state_topic(state_index state) const;
    std::optional<state_index> find_state(std::string_view id) const noexcept;

    // Variables by index (in file order), like states.
    std::size_t variable_count() const noexcept;
    const std::string& variable_name(variable_index variable) const;
    bool variable_sensitive(variable_index variable) const;
    bool variable_from_deployment(variable_index variable) const;
    std::optional<variable_index> find_variable(std::string_view name) const noexcept;

    // The model this dialog was compiled from (for tools: graph, strings, coverage names).
    const heregoes::dialog::model& source() const noexcept;

    // Runtime internals, for the runtime's own files (turn, migration, session variables).
    const detail::dialog_data& data() const noexcept { return *data_; }

private:
    std::unique_ptr<const detail::dialog_data> data_;
};

struct compile_result {
    std::shared_ptr<const heregoes::dialog::dialog> dialog; // null when diagnostics is not empty
    std::vector<error> diagnostics; // every reference problem found, in file order
};

// Compiles a loaded model. Reports every unknown target, undeclared variable, text id or intent
// missing from a locale, and intent pattern re2 cannot compile, each with its file and pointer.
compile_result compile(heregoes::dialog::model m, const load_options& options);

// Loads and compiles one graph file; the first problem found is returned as the error (use
// load_model and compile for all of them).
expected<std::shared_ptr<const dialog>> load_dialog(const std::filesystem::path& graph_file,
                                                    const load_options& options);

} // namespace heregoes::dialog
