// Reading and checking a safety data file's envelope (see data_file.hpp). The crisis resources,
// messages and pattern-pack parsers share it, so all bound their input and report JSON errors the
// same way.

#include "engine/safety/data_file.hpp"

#include "engine/core/bounded_json.hpp"

#include <fstream>

namespace heregoes::safety {
namespace {

// "1 MiB", "256 KiB" or "100 bytes": a size limit as a person reads it.
std::string size_text(std::size_t bytes) {
    constexpr std::size_t kib = 1024;
    if (bytes % (kib * kib) == 0) {
        return std::to_string(bytes / (kib * kib)) + " MiB";
    }
    if (bytes % kib == 0) {
        return std::to_string(bytes / kib) + " KiB";
    }
    return std::to_string(bytes) + " bytes";
}

} // namespace

expected<std::string> read_data_file(const std::string& path, const data_file_kind& kind) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return fail(
            "io", "cannot open " + std::string(kind.noun) + "; check the data directory", path);
    }
    // One byte past the limit tells a file at the limit from a larger one without reading more.
    std::string text;
    text.resize(kind.max_bytes + 1);
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(in.gcount()));
    if (text.size() > kind.max_bytes) {
        return fail("too_large",
                    std::string(kind.noun) + " is larger than " + size_text(kind.max_bytes),
                    path);
    }
    return text;
}

expected<nlohmann::json>
parse_data_file(std::string_view text, const std::string& file, const data_file_kind& kind) {
    json_read_result parsed = read_bounded_json(text, file, max_data_file_depth);
    if (!parsed.diagnostics.empty()) {
        // A duplicate key is an error here, not a warning: JSON keeps only the last of two
        // entries, and a crisis number must never be dropped without anyone noticing.
        return parsed.diagnostics.front();
    }
    // The plain, key-sorted form keeps regions and strings in the order the parsers have always
    // listed them (select_region's "use one of" list, the lint's findings).
    nlohmann::json doc(*parsed.value);
    parsed.value.reset();
    if (!doc.is_object()) {
        return fail(std::string(kind.error_code),
                    std::string(kind.noun) + " must be a JSON object",
                    file + "#");
    }
    const auto version = doc.find("schema_version");
    if (version == doc.end() || !version->is_number_integer() ||
        version->get<int>() != kind.schema_version) {
        return fail(std::string(kind.error_code),
                    "schema_version must be " + std::to_string(kind.schema_version),
                    file + "#/schema_version");
    }
    return doc;
}

} // namespace heregoes::safety
