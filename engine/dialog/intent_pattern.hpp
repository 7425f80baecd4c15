#pragma once

// How intent patterns are compiled, in one place, so the loader's check and the runtime's
// compiled set agree: case-insensitive, UTF-8, no logging by re2 (errors are reported to the
// author as diagnostics instead of printed to stderr), and a memory bound per pattern.

#include <re2/re2.h>

#include <optional>
#include <string>
#include <string_view>

namespace heregoes::dialog {

// Memory re2 may use to compile one pattern: generous for intent patterns, and it turns a
// pathological pattern into an error instead of a huge allocation.
inline constexpr std::int64_t max_pattern_memory = 2 * 1024 * 1024;

// Memory for one locale's set of all patterns (and its lazily built DFA); sized for a few hundred
// patterns with room to spare.
inline constexpr std::int64_t max_pattern_set_memory = 64 * 1024 * 1024;

// The re2 options for intent patterns; `max_mem` bounds compilation.
RE2::Options intent_pattern_options(std::int64_t max_mem);

// The re2 error for `source`, or nullopt when it compiles as an intent pattern.
std::optional<std::string> check_intent_pattern(std::string_view source);

} // namespace heregoes::dialog
