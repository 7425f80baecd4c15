#pragma once

// Reading an untrusted JSON file into nlohmann::json with bounds: a nesting limit checked by a
// pre-scan before nlohmann sees the text, duplicate object keys reported (nlohmann silently keeps
// the last), and syntax errors located as "file:line:column" computed from nlohmann's byte
// offset. Lives in core so every layer that reads data files (dialogs, safety data) shares it.

#include "engine/core/expected.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace heregoes {

struct json_read_result {
    std::optional<nlohmann::ordered_json>
        value;                      // absent after a syntax or nesting error; members in file order
    std::vector<error> diagnostics; // syntax, nesting and duplicate-key problems
};

// Parses `text`; `file` names it in diagnostics. Nesting deeper than `max_depth` is refused
// before parsing.
json_read_result
read_bounded_json(std::string_view text, const std::string& file, std::size_t max_depth);

// "file:line:column" for a byte offset into `text` (line and column from 1, column in characters).
std::string text_position(std::string_view text, std::size_t byte_offset, const std::string& file);

} // namespace heregoes
