#pragma once

// Reading one safety data file (dialogs/safety/resources.json, messages/<locale>.json,
// patterns/<locale>.json): the size limit on disk, bounded JSON parsing
// (engine/core/bounded_json.hpp) whose syntax, nesting and duplicate-key errors name
// file:line:column, and the object-with-schema_version envelope every safety file shares. Each
// file's own parser then reads the fields it knows.

#include "engine/core/expected.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace heregoes::safety {

// Deepest JSON nesting accepted in a safety data file. The deepest format, crisis resources,
// needs 6 levels (root, regions, region, entries, entry, contacts, contact); a file nested far
// deeper is broken or hostile, and refusing it bounds the parser's and destructor's recursion.
inline constexpr std::size_t max_data_file_depth = 16;

// What one kind of safety data file is called in messages and how it is checked.
struct data_file_kind {
    std::string_view noun;       // how messages name it: "the crisis resources file"
    std::string_view error_code; // code of shape errors: "bad_resources"
    int schema_version;          // the one schema_version this build reads
    std::size_t max_bytes;       // largest file read
};

// The file's text, or an error when it cannot be opened or is larger than kind.max_bytes.
expected<std::string> read_data_file(const std::string& path, const data_file_kind& kind);

// Parses `text` (named `file` in errors) into a JSON object whose schema_version is
// kind.schema_version. Syntax, nesting and duplicate keys fail naming file:line:column; a wrong
// shape fails naming file#/json/pointer. Members come back keyed as nlohmann::json orders them.
expected<nlohmann::json>
parse_data_file(std::string_view text, const std::string& file, const data_file_kind& kind);

} // namespace heregoes::safety
