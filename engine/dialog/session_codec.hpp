#pragma once

// The session's saved form: a compact binary encoding (varints, length-prefixed strings) that the
// store seals and keeps between turns. The first byte is the format version that wrote it, the
// second the oldest reader format able to read it, so a newer writer can add fields that older
// readers skip, and a reader refuses what it cannot understand with a clear error. Decoding
// checks every length and never trusts the bytes.

#include "engine/core/expected.hpp"
#include "engine/dialog/session.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace heregoes::dialog {

// The format this build writes.
inline constexpr std::uint8_t session_format_version = 1;

// The oldest reader format that can read what this build writes (written as the second byte).
inline constexpr std::uint8_t session_min_reader_version = 1;

// Largest encoded session accepted by decode; far above a real session (~100 bytes), small
// enough that a corrupted length cannot make the decoder allocate much.
inline constexpr std::size_t max_encoded_session_bytes = 64 * 1024;

// Appends the encoding of `s` to `out` (cleared first).
void encode_session(const session& s, std::string& out);

// The encoding of `s` as a new string.
std::string encode_session(const session& s);

// Decodes a saved session; an error ("session_format" code) for garbage, truncation, or a format
// newer than this build reads.
expected<session> decode_session(std::string_view bytes);

} // namespace heregoes::dialog
