#pragma once

// All dialogs a server runs: every graph file in a directory, with every version ever loaded kept,
// because a live session stays on the version it started with when its state cannot be carried
// over to a newer one (versioning.hpp). A set is an immutable value: a reload (SIGHUP) builds a
// new set and merges the old one into it, and the server swaps a shared pointer.

#include "engine/core/expected.hpp"
#include "engine/dialog/dialog.hpp"

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace heregoes::dialog {

class dialog_set;

struct set_load_result {
    std::shared_ptr<const dialog_set> set; // every graph that loaded; never null
    std::vector<error> diagnostics;        // problems of graphs that did not load, and duplicates
};

class dialog_set {
public:
    // Loads every `*.json` graph file directly in `directory` (not `*.schema.json`, not the
    // strings/ subfolder). A graph that fails to load is left out and its problems reported.
    static set_load_result load_directory(const std::filesystem::path& directory,
                                          const load_options& options);

    // A set holding exactly these dialogs (for tests and tools); later entries with the same id
    // and version replace earlier ones.
    static std::shared_ptr<const dialog_set>
    from(const std::vector<std::shared_ptr<const dialog>>& dialogs);

    // The newest version of a dialog; null when no dialog has this id.
    std::shared_ptr<const dialog> latest(std::string_view id) const;

    // One exact version; null when it is not loaded.
    std::shared_ptr<const dialog> find(std::string_view id, std::uint32_t version) const;

    // Ids of all dialogs, sorted.
    std::vector<std::string> ids() const;

    // Number of loaded (id, version) pairs.
    std::size_t size() const noexcept;

    // A new set with every version of `this` plus `reloaded`. Where both hold the same id and
    // version, the reloaded one wins when its states and variables are unchanged (a strings fix
    // takes effect); otherwise the loaded one is kept, since live sessions hold indexes into it,
    // and a "version_not_bumped" problem is added to `diagnostics` when given.
    std::shared_ptr<const dialog_set> merged_with(const dialog_set& reloaded,
                                                  std::vector<error>* diagnostics = nullptr) const;

private:
    // id -> version -> dialog
    std::map<std::string, std::map<std::uint32_t, std::shared_ptr<const dialog>>, std::less<>>
        dialogs_;
};

} // namespace heregoes::dialog
