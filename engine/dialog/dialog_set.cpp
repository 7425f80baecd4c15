// The set of loaded dialogs (dialog_set.hpp).

#include "engine/dialog/dialog_set.hpp"

#include <algorithm>

namespace heregoes::dialog {
namespace {

// A graph file: "*.json" that is not a JSON Schema ("*.schema.json").
bool is_graph_file(const std::filesystem::path& p) {
    const std::string name = p.filename().string();
    constexpr std::string_view schema_suffix = ".schema.json";
    return p.extension() == ".json" &&
           !(name.size() >= schema_suffix.size() && name.compare(name.size() - schema_suffix.size(),
                                                                 schema_suffix.size(),
                                                                 schema_suffix) == 0);
}

} // namespace

set_load_result dialog_set::load_directory(const std::filesystem::path& directory,
                                           const load_options& options) {
    set_load_result result;
    auto set = std::make_shared<dialog_set>();
    std::error_code ec;
    std::vector<std::filesystem::path> files;
    for (std::filesystem::directory_iterator it(directory, ec), end; !ec && it != end;
         it.increment(ec)) {
        if (it->is_regular_file(ec) && is_graph_file(it->path())) {
            files.push_back(it->path());
        }
    }
    if (ec) {
        result.diagnostics.push_back(fail(
            "unreadable", "cannot list the dialog directory: " + ec.message(), directory.string()));
    }
    std::sort(files.begin(), files.end()); // a stable order for diagnostics and duplicates
    for (const std::filesystem::path& file : files) {
        auto loaded = load_dialog(file, options);
        if (!loaded) {
            result.diagnostics.push_back(loaded.error());
            continue;
        }
        const std::shared_ptr<const dialog>& d = *loaded;
        auto& versions = set->dialogs_[d->id()];
        if (versions.count(d->version()) != 0) {
            result.diagnostics.push_back(
                fail("duplicate_dialog",
                     "another file already holds version " + std::to_string(d->version()) +
                         " of the dialog '" + d->id() + "'; bump \"version\" in one of them",
                     file.string() + "#/version"));
            continue;
        }
        versions.emplace(d->version(), d);
    }
    result.set = std::move(set);
    return result;
}

std::shared_ptr<const dialog_set>
dialog_set::from(const std::vector<std::shared_ptr<const dialog>>& dialogs) {
    auto set = std::make_shared<dialog_set>();
    for (const auto& d : dialogs) {
        if (d != nullptr) {
            set->dialogs_[d->id()][d->version()] = d;
        }
    }
    return set;
}

std::shared_ptr<const dialog> dialog_set::latest(std::string_view id) const {
    const auto it = dialogs_.find(id);
    if (it == dialogs_.end() || it->second.empty()) {
        return nullptr;
    }
    return it->second.rbegin()->second;
}

std::shared_ptr<const dialog> dialog_set::find(std::string_view id, std::uint32_t version) const {
    const auto it = dialogs_.find(id);
    if (it == dialogs_.end()) {
        return nullptr;
    }
    const auto v = it->second.find(version);
    return v == it->second.end() ? nullptr : v->second;
}

std::vector<std::string> dialog_set::ids() const {
    std::vector<std::string> out;
    for (const auto& [id, versions] : dialogs_) {
        (void)versions;
        out.push_back(id);
    }
    return out;
}

std::size_t dialog_set::size() const noexcept {
    std::size_t n = 0;
    for (const auto& [id, versions] : dialogs_) {
        (void)id;
        n += versions.size();
    }
    return n;
}

namespace {

// Same state ids and variables in the same order: sessions saved on one run unchanged on the
// other, since they hold indexes.
bool same_shape(const dialog& a, const dialog& b) {
    if (a.state_count() != b.state_count() || a.variable_count() != b.variable_count()) {
        return false;
    }
    for (std::size_t i = 0; i < a.state_count(); ++i) {
        if (a.state_id(static_cast<state_index>(i)) != b.state_id(static_cast<state_index>(i))) {
            return false;
        }
    }
    for (std::size_t i = 0; i < a.variable_count(); ++i) {
        if (a.variable_name(static_cast<variable_index>(i)) !=
            b.variable_name(static_cast<variable_index>(i))) {
            return false;
        }
    }
    return true;
}

} // namespace

std::shared_ptr<const dialog_set> dialog_set::merged_with(const dialog_set& reloaded,
                                                          std::vector<error>* diagnostics) const {
    auto set = std::make_shared<dialog_set>(*this);
    for (const auto& [id, versions] : reloaded.dialogs_) {
        for (const auto& [version, d] : versions) {
            auto& slot = set->dialogs_[id][version];
            if (slot != nullptr && !same_shape(*slot, *d)) {
                if (diagnostics != nullptr) {
                    diagnostics->push_back(fail(
                        "version_not_bumped",
                        "the graph of '" + id + "' version " + std::to_string(version) +
                            " changed its states or variables without a new \"version\"; the "
                            "loaded one is kept so live sessions stay intact. Bump \"version\" "
                            "to publish the change",
                        d->source().file.string() + "#/version"));
                }
                continue;
            }
            slot = d;
        }
    }
    return set;
}

} // namespace heregoes::dialog
