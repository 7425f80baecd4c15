#pragma once

// One finding of the safety-data lint: an error stops a deployment, a warning asks a person to
// look. Each names its place (file#/json/pointer) the way heregoes lint prints every finding.

#include <cstdint>
#include <string>

namespace heregoes::safety {

struct diagnostic {
    enum class severity : std::uint8_t { error, warning };
    severity level = severity::error;
    std::string code;    // stable: "resource_expired", "resource_review_soon", "bad_regex", ...
    std::string message; // one sentence a person can act on
    std::string where;   // file#/json/pointer

    // "where: error: message", the form heregoes lint prints.
    std::string to_string() const {
        return where + ": " + (level == severity::error ? "error: " : "warning: ") + message;
    }
};

} // namespace heregoes::safety
