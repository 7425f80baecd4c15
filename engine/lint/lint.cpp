// Finding the files to lint and running the checks on each; see lint.hpp for the rules.

#include "engine/lint/lint.hpp"

#include "engine/dialog/loader.hpp"
#include "engine/lint/graph_checks.hpp"
#include "engine/lint/locale_checks.hpp"
#include "engine/safety/safety_lint.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <system_error>

namespace heregoes::lint {
namespace {

namespace fs = std::filesystem;

// Directories are searched recursively; deeper than this is a symlink loop or the wrong path.
constexpr std::size_t max_directory_depth = 16;

bool starts_with(const std::string& s, const std::string& prefix) {
    return s.compare(0, prefix.size(), prefix) == 0;
}

bool is_schema_file(const fs::path& p) {
    const std::string name = p.filename().string();
    return name.size() > 12 && name.compare(name.size() - 12, 12, ".schema.json") == 0;
}

// dialogs/strings/<locale>/<id>.json: the graph it belongs to is dialogs/<id>.json.
bool is_strings_file(const fs::path& p) {
    const fs::path locale_dir = p.parent_path();
    return locale_dir.has_parent_path() && locale_dir.parent_path().filename() == "strings";
}

fs::path graph_of_strings_file(const fs::path& p) {
    return p.parent_path().parent_path().parent_path() / p.filename();
}

struct found_files {
    std::vector<fs::path> graphs;
    std::vector<fs::path> strings;
    std::vector<fs::path> safety_dirs;
};

// The safety data folder is named "safety" (dialogs/safety); its files are not dialogs.
constexpr std::string_view safety_dir_name = "safety";

// The nearest folder named "safety" that holds `p`, or empty.
fs::path enclosing_safety_dir(const fs::path& p) {
    for (fs::path dir = p.parent_path(); !dir.empty() && dir != dir.root_path();
         dir = dir.parent_path()) {
        if (dir.filename() == safety_dir_name) {
            return dir;
        }
        if (dir == dir.parent_path()) {
            break;
        }
    }
    return {};
}

void collect(const fs::path& dir, std::size_t depth, found_files& found) {
    if (depth > max_directory_depth) {
        return;
    }
    std::error_code ec;
    std::vector<fs::path> entries;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        entries.push_back(it->path());
    }
    std::sort(entries.begin(), entries.end()); // stable output whatever the file system's order
    for (const auto& p : entries) {
        if (fs::is_directory(p, ec)) {
            if (p.filename() == safety_dir_name) {
                found.safety_dirs.push_back(p);
            } else {
                collect(p, depth + 1, found);
            }
        } else if (p.extension() == ".json" && !is_schema_file(p)) {
            (is_strings_file(p) ? found.strings : found.graphs).push_back(p);
        }
    }
}

// The string at `file#/pointer`, quoted, for messages; "unknown" when it cannot be read back.
std::string pattern_at(const std::string& where) {
    const auto hash = where.find('#');
    if (hash == std::string::npos) {
        return "unknown";
    }
    auto text = dialog::read_dialog_file(where.substr(0, hash));
    if (!text) {
        return "unknown";
    }
    const auto json = nlohmann::json::parse(*text, nullptr, false);
    if (json.is_discarded()) {
        return "unknown";
    }
    try {
        const auto& value = json.at(nlohmann::json::json_pointer(where.substr(hash + 1)));
        return value.is_string() ? "`" + value.get<std::string>() + "`" : "unknown";
    } catch (const nlohmann::json::exception&) {
        return "unknown"; // a pointer the file no longer has
    }
}

} // namespace

std::vector<diagnostic> lint_model(const dialog::model& m, const std::set<std::string>& skip) {
    std::vector<diagnostic> out;
    check_graph(m, out);
    check_texts(m, skip, out);
    check_intents(m, skip, out);
    check_variables(m, skip, out);
    return out;
}

std::vector<diagnostic> lint_graph_file(const fs::path& graph_file) {
    std::vector<diagnostic> out;
    const dialog::load_result loaded = dialog::load_model(graph_file);
    const std::string graph_name = graph_file.string();
    bool graph_broken = !loaded.model.has_value();
    std::set<std::string> skip_locales;
    for (const auto& e : loaded.diagnostics) {
        out.push_back(from_error(e));
        if (e.code == "bad_regex") {
            // The loader leaves the pattern out of the model; name it, so the author sees which.
            const fs::path strings_file = e.where.substr(0, e.where.find('#'));
            out.back().message += " (pattern " + pattern_at(e.where) + ", locale `" +
                                  strings_file.parent_path().filename().string() + "`)";
            continue; // the rest of the locale is intact and still checked
        }
        if (starts_with(e.where, graph_name + "#") || starts_with(e.where, graph_name + ":") ||
            e.where == graph_name || e.where.empty()) {
            graph_broken = true;
        } else if (loaded.model) {
            for (const auto& locale : loaded.model->locales) {
                const std::string strings_name =
                    dialog::strings_file_path(graph_file, loaded.model->id, locale).string();
                if (starts_with(e.where, strings_name)) {
                    skip_locales.insert(locale);
                }
            }
        }
    }
    // Graph checks on a model with parts left out would report ghosts (an unknown target that
    // is only a state with a typo in its topic), so they wait until the shape is sound.
    if (!graph_broken) {
        auto more = lint_model(*loaded.model, skip_locales);
        out.insert(out.end(), more.begin(), more.end());
    }
    return out;
}

lint_result lint_paths(const std::vector<fs::path>& paths, safety::civil_date today) {
    lint_result result;
    found_files found;
    for (const auto& given : paths) {
        // "dialogs/safety/" names the folder "safety": drop the trailing separator.
        fs::path p = given.lexically_normal();
        if (p.filename().empty() && p.has_parent_path()) {
            p = p.parent_path();
        }
        std::error_code ec;
        if (!fs::exists(p, ec)) {
            result.missing_paths = true;
            result.diagnostics.push_back(
                {severity::error, "file_missing", "no such file or directory", p.string()});
        } else if (fs::is_directory(p, ec) && p.filename() == safety_dir_name) {
            found.safety_dirs.push_back(p);
        } else if (fs::is_directory(p, ec)) {
            collect(p, 0, found);
        } else if (const fs::path safety_dir = enclosing_safety_dir(p); !safety_dir.empty()) {
            found.safety_dirs.push_back(safety_dir);
        } else if (p.extension() != ".json") {
            result.diagnostics.push_back({severity::error,
                                          "not_a_dialog_file",
                                          "expected a dialog graph or strings file (*.json)",
                                          p.string()});
        } else if (is_strings_file(p)) {
            found.strings.push_back(p);
        } else if (!is_schema_file(p)) {
            found.graphs.push_back(p);
        }
    }
    // A strings file is checked through its graph: the graph says which ids it must define.
    std::vector<fs::path> graphs = found.graphs;
    for (const auto& s : found.strings) {
        const fs::path graph = graph_of_strings_file(s);
        std::error_code ec;
        if (fs::exists(graph, ec)) {
            graphs.push_back(graph);
        } else {
            result.diagnostics.push_back(
                {severity::warning,
                 "orphan_strings",
                 "strings file without a graph file; expected " + graph.string(),
                 s.string()});
        }
    }
    std::vector<fs::path> unique;
    for (const auto& g : graphs) {
        const fs::path normal = g.lexically_normal();
        if (std::find(unique.begin(), unique.end(), normal) == unique.end()) {
            unique.push_back(normal);
        }
    }
    for (const auto& g : unique) {
        auto ds = lint_graph_file(g);
        result.diagnostics.insert(result.diagnostics.end(), ds.begin(), ds.end());
        ++result.dialogs_checked;
    }
    result.strings_checked = found.strings.size();
    std::vector<fs::path> safety_dirs;
    for (const auto& dir : found.safety_dirs) {
        const fs::path normal = dir.lexically_normal();
        if (std::find(safety_dirs.begin(), safety_dirs.end(), normal) == safety_dirs.end()) {
            safety_dirs.push_back(normal);
        }
    }
    for (const auto& dir : safety_dirs) {
        for (const auto& d : safety::lint_safety_data(dir.string(), today)) {
            result.diagnostics.push_back({d.level == safety::diagnostic::severity::error
                                              ? severity::error
                                              : severity::warning,
                                          d.code,
                                          d.message,
                                          d.where});
        }
        ++result.safety_dirs_checked;
    }
    return result;
}

} // namespace heregoes::lint
