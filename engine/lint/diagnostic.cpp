// Formatting and counting lint diagnostics; see diagnostic.hpp.

#include "engine/lint/diagnostic.hpp"

#include <algorithm>

namespace heregoes::lint {

std::string diagnostic::to_string() const {
    std::string out = where.empty() ? std::string() : where + ": ";
    out += severity == severity::error ? "error: " : "warning: ";
    out += message;
    out += " [" + code + "]";
    return out;
}

diagnostic from_error(const error& e, severity s) {
    return diagnostic{s, e.code, e.message, e.where};
}

std::string place(const std::string& file, const std::string& pointer) {
    return file + "#" + pointer;
}

std::size_t count(const std::vector<diagnostic>& ds, severity s) {
    return static_cast<std::size_t>(
        std::count_if(ds.begin(), ds.end(), [s](const diagnostic& d) { return d.severity == s; }));
}

} // namespace heregoes::lint
