#pragma once

// Reading a small text file whole, with a size bound, as an error value instead of an exception.
// The authoring tools read hand-written files (transcripts, dialogs); the bound keeps a wrong path
// (a disk image, /dev/zero) from eating memory.

#include "engine/core/expected.hpp"

#include <cstddef>
#include <string>

namespace heregoes::authoring {

// The file's bytes, or an error naming the path: missing, unreadable, a directory, or over
// `max_bytes`.
expected<std::string> read_text_file(const std::string& path, std::size_t max_bytes);

} // namespace heregoes::authoring
