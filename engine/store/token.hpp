#pragma once

// Session tokens: the bearer credential a client presents to resume its session. A token is 256
// bits from the operating system's CSPRNG, written as 43 base64url characters without padding. The
// server never keeps a token: it files a session under the token's SHA-256 (`hash_token`) and
// derives the sealing key from the token itself (sealing.hpp), so whoever holds only the store
// cannot resume a session or read it. Any comparison of tokens or hashes goes through
// `equal_constant_time`.

#include "engine/core/expected.hpp"
#include "engine/store/session_store.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace heregoes::store {

// 256 bits of entropy: far beyond guessing range, and the full width of the SHA-256/AES-256 keys
// derived from it, so the token is never the weakest link.
inline constexpr std::size_t token_secret_bytes = 32;

// base64url of 32 bytes without padding: ceil(32 * 8 / 6) characters.
inline constexpr std::size_t token_chars = 43;

// The random bytes a token encodes.
using token_secret = std::array<std::uint8_t, token_secret_bytes>;

// Makes a new token from the OS CSPRNG; an error only if the CSPRNG itself fails.
expected<std::string> new_token();

// Checks a token a client sent (length, base64url alphabet, canonical last character) and returns
// the bytes it encodes; error code "bad_token" for anything else. Never echoes the input in the
// message.
expected<token_secret> parse_token(std::string_view token);

// SHA-256 of the token's characters: the key the session is filed under. Parse the token first;
// this hashes whatever it is given.
session_key hash_token(std::string_view token);

// True when both byte ranges are equal; time depends only on the lengths, never on the contents.
bool equal_constant_time(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b);

// The same for text (tokens as sent by a client).
bool equal_constant_time(std::string_view a, std::string_view b);

} // namespace heregoes::store
