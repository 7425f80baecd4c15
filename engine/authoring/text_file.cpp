// Reads a whole text file with a size bound; see text_file.hpp.

#include "engine/authoring/text_file.hpp"

#include <filesystem>
#include <fstream>
#include <system_error>

namespace heregoes::authoring {

expected<std::string> read_text_file(const std::string& path, std::size_t max_bytes) {
    std::error_code ec;
    const auto status = std::filesystem::status(path, ec);
    if (ec || !std::filesystem::exists(status)) {
        return fail("file_missing", "no such file", path);
    }
    if (std::filesystem::is_directory(status)) {
        return fail("file_is_directory", "is a directory, expected a file", path);
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return fail("file_unreadable", "cannot open the file for reading", path);
    }
    std::string bytes;
    char buffer[4096];
    while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
        bytes.append(buffer, static_cast<std::size_t>(in.gcount()));
        if (bytes.size() > max_bytes) {
            return fail("file_too_large",
                        "the file is larger than " + std::to_string(max_bytes) +
                            " bytes; is this the right file?",
                        path);
        }
    }
    if (in.bad()) {
        return fail("file_unreadable", "reading the file failed", path);
    }
    return bytes;
}

} // namespace heregoes::authoring
