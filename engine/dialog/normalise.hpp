#pragma once

// The text normaliser for intent matching: free text is matched on a canonical form, so authors
// write patterns once for "Will my THERAPIST tell…" and "will my therapist tell". Lower-cases
// ASCII and the common Latin, Greek and Cyrillic letters, makes curly quotes and apostrophes
// straight, folds runs of whitespace to one space and trims. Invalid UTF-8 becomes U+FFFD. (The
// safety layer has its own normaliser for screening, tuned for its own purpose.)

#include <string>
#include <string_view>

namespace heregoes::dialog {

// Text beyond this many bytes is not looked at for matching: intents are found in the first
// sentences, and the bound keeps matching time flat whatever a client sends.
inline constexpr std::size_t max_match_bytes = 2048;

// Writes the normalised form of `text` into `out` (replacing its contents, reusing its capacity).
void normalise_for_matching(std::string_view text, std::string& out);

// Number of characters (code points) in UTF-8 text; invalid bytes count one each.
std::size_t count_characters(std::string_view text) noexcept;

// The longest prefix of `text` with at most `max_characters` characters, never splitting a
// UTF-8 sequence.
std::string_view cut_to_characters(std::string_view text, std::size_t max_characters) noexcept;

} // namespace heregoes::dialog
