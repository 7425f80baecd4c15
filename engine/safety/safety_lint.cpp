// The safety-data lint (see safety_lint.hpp). Each file is checked with the same loaders the gate
// uses, so lint and server can never disagree about what is valid.

#include "engine/safety/safety_lint.hpp"

#include "engine/safety/crisis_resources.hpp"
#include "engine/safety/message_catalog.hpp"
#include "engine/safety/pattern_pack.hpp"

#include <algorithm>
#include <filesystem>
#include <set>

namespace heregoes::safety {
namespace {

namespace fs = std::filesystem;

diagnostic from_error(const error& e) {
    return diagnostic{diagnostic::severity::error, e.code, e.message, e.where};
}

std::vector<std::string> json_files(const fs::path& dir, std::vector<diagnostic>& out) {
    std::vector<std::string> files;
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        if (it->path().extension() == ".json") {
            files.push_back(it->path().string());
        }
    }
    if (ec) {
        out.push_back({diagnostic::severity::error,
                       "io",
                       "cannot list the directory: " + ec.message(),
                       dir.string()});
    }
    std::sort(files.begin(), files.end());
    return files;
}

} // namespace

std::vector<diagnostic> lint_safety_data(const std::string& data_dir, civil_date today) {
    std::vector<diagnostic> out;
    const fs::path root(data_dir);

    std::set<std::string> pack_locales;
    for (const auto& file : json_files(root / "patterns", out)) {
        auto pack = pattern_pack::load_file(file);
        if (!pack) {
            out.push_back(from_error(pack.error()));
            continue;
        }
        const std::string stem = fs::path(file).stem().string();
        if ((*pack)->locale() != stem) {
            out.push_back({diagnostic::severity::error,
                           "locale_mismatch",
                           "the pack's locale is \"" + (*pack)->locale() +
                               "\" but its file is named \"" + stem + ".json\"",
                           file + "#/locale"});
        }
        pack_locales.insert((*pack)->locale());
    }
    if (pack_locales.count("en") == 0) {
        out.push_back({diagnostic::severity::error,
                       "missing_locale",
                       "there is no English pack (patterns/en.json); other locales fall back to it",
                       (root / "patterns").string()});
    }

    const std::string resources_path = (root / "resources.json").string();
    auto catalog = load_resources(resources_path);
    if (!catalog) {
        out.push_back(from_error(catalog.error()));
    } else {
        if (catalog->find("fallback") == nullptr) {
            out.push_back({diagnostic::severity::warning,
                           "no_fallback_region",
                           "there is no \"fallback\" region for deployments outside the "
                           "configured ones (emergency numbers and a helpline directory)",
                           resources_path + "#/regions"});
        }
        for (const auto& region : catalog->regions) {
            for (auto& d : review_resources(region, today)) {
                out.push_back(std::move(d));
            }
        }
    }

    std::set<std::string> message_locales;
    for (const auto& file : json_files(root / "messages", out)) {
        auto strings = load_messages(file);
        if (!strings) {
            out.push_back(from_error(strings.error()));
            continue;
        }
        message_locales.insert(strings->locale);
        if (!catalog) {
            continue;
        }
        // Render for every region and both reading options, so no placeholder fails at start-up.
        for (const auto& region : catalog->regions) {
            for (const bool read : {false, true}) {
                auto rendered = message_catalog::render(*strings, region, {read, true});
                if (!rendered) {
                    out.push_back(from_error(rendered.error()));
                    break;
                }
            }
        }
    }
    for (const auto& locale : pack_locales) {
        if (message_locales.count(locale) == 0) {
            out.push_back({diagnostic::severity::error,
                           "missing_messages",
                           "the locale \"" + locale + "\" has a pattern pack but no messages/" +
                               locale + ".json",
                           (root / "messages").string()});
        }
    }
    return out;
}

} // namespace heregoes::safety
