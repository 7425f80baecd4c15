#pragma once

// The dialog loader: reads a graph file and its strings files into the model (model.hpp),
// collecting every structural problem it finds instead of stopping at the first, so an author
// fixes a file in one pass. It checks shape only (types, required and unknown keys, id syntax,
// topics, conditions, regexes, schema versions); references between elements (unknown targets,
// undeclared variables, missing text ids) are checked by the compiler (compile.hpp) and the
// linter. Bad input never crashes it: sizes, nesting and string lengths are bounded.

#include "engine/core/expected.hpp"
#include "engine/dialog/model.hpp"

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace heregoes::dialog {

// Largest graph or strings file read. The full first-session dialog is well under 200 KB; this
// leaves room for growth while keeping a stray multi-gigabyte file from exhausting memory.
inline constexpr std::size_t max_dialog_file_bytes = 4 * 1024 * 1024;

// Deepest JSON nesting accepted. The format needs about 6 levels; a file nested deeper than this
// is broken or hostile, and refusing it bounds the parser's and the destructor's recursion.
inline constexpr std::size_t max_json_depth = 64;

// Longest single string value (a text, a pattern, a condition). Dialog sentences are a few hundred
// characters; a megabyte string is a mistake worth a clear error.
inline constexpr std::size_t max_string_bytes = 16 * 1024;

// Longest id (state, text, intent, choice, variable, dialog). Long enough for dotted text ids.
inline constexpr std::size_t max_id_length = 96;

// Most states, variables, say items... per list; keeps indexes inside the session's integer types.
inline constexpr std::size_t max_states = 4000;
inline constexpr std::size_t max_variables = 200; // variable_index is 8 bits

struct load_result {
    // Present whenever the graph file parsed as JSON: as complete as the problems allowed
    // (elements with problems are left out). Valid only when `diagnostics` is empty.
    std::optional<heregoes::dialog::model> model;
    // Every problem found, in file order: graph file first, then each locale's strings.
    std::vector<error> diagnostics;

    bool ok() const { return model.has_value() && diagnostics.empty(); }
};

// Loads a graph file and, for each of its locales, dialogs/strings/<locale>/<id>.json relative to
// the graph file's folder.
load_result load_model(const std::filesystem::path& graph_file);

// Loads from memory (tests, fuzzing, tools that already hold the text). `graph_name` is used in
// diagnostics as the file name; `strings_texts` maps a locale to its strings file text, and a
// locale of the graph missing from it is reported like a missing file.
load_result load_model_from_text(std::string_view graph_text,
                                 const std::filesystem::path& graph_name,
                                 const std::map<std::string, std::string>& strings_texts);

// Where the strings file of `locale` lives for a graph file with dialog id `id`.
std::filesystem::path strings_file_path(const std::filesystem::path& graph_file,
                                        std::string_view id,
                                        std::string_view locale);

// Reads a whole file, refusing files larger than max_dialog_file_bytes.
expected<std::string> read_dialog_file(const std::filesystem::path& file);

} // namespace heregoes::dialog
