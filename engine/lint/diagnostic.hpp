#pragma once

// One problem `heregoes lint` found: how bad it is, a stable code, a sentence saying what is wrong
// and how to fix it, and where (`file:line:column` for JSON syntax, `file#/json/pointer` for the
// rest). Errors fail the lint; warnings fail it only under --strict.

#include "engine/core/expected.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace heregoes::lint {

enum class severity : std::uint8_t { error, warning };

struct diagnostic {
    heregoes::lint::severity severity = severity::error;
    std::string code;    // "unknown_target", "unreachable_state", ... (see lint.hpp)
    std::string message; // names the offending ids
    std::string where;   // file:line:column or file#/pointer

    // "where: error: message [code]", the form the command line prints.
    std::string to_string() const;
};

// A lint error from a loader/IO error value (keeps its code, message and place).
diagnostic from_error(const error& e, severity s = severity::error);

// "file#/pointer", the place form for everything but JSON syntax.
std::string place(const std::string& file, const std::string& pointer);

// Counts of a list of diagnostics.
std::size_t count(const std::vector<diagnostic>& ds, severity s);

} // namespace heregoes::lint
