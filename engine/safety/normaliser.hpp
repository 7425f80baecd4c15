#pragma once

// The text normaliser of the safety screen. People in distress type fast, in lower case, with
// stretched letters, shorthand ("kms"), curly apostrophes, accents and emoji; the pattern packs
// are written against one plain form instead. This file turns any UTF-8 (or broken) input into
// that form: ASCII lower case with accents folded, one space between words, apostrophes dropped,
// sentence punctuation kept as its own token, risk emoji turned into words, shorthand expanded.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace heregoes::safety {

// Per-locale word replacements ("kms" -> "kill myself"), sorted by key for binary search. Keys
// are single normalised words; a key made of letters may also be typed spaced or dotted ("k.m.s").
class shorthand_table {
public:
    shorthand_table() = default;
    // Builds the table; later duplicates of a key are ignored so the first definition wins.
    explicit shorthand_table(std::vector<std::pair<std::string, std::string>> entries);

    // The replacement for one normalised word, or an empty view when there is none.
    std::string_view find(std::string_view word) const noexcept;
    // Number of distinct keys.
    std::size_t size() const noexcept { return entries_.size(); }

private:
    std::vector<std::pair<std::string, std::string>> entries_;
};

// The normalised forms of one message. Patterns run over both when `squeezed` is not empty.
struct normalised_text {
    std::string text; // stretched runs ("sooooo") cut to two letters ("soo")
    std::string
        squeezed; // the same runs cut to one letter ("so"); empty when nothing was stretched
};

// Longest input the screen looks at. A chat message is far shorter; anything beyond is cut (at a
// character boundary) so a pasted essay cannot make screening slow.
inline constexpr std::size_t max_screened_bytes = 4096;

// Normalises one message for matching. Never fails: invalid UTF-8 bytes become spaces.
normalised_text normalise(std::string_view input, const shorthand_table& shorthand);

} // namespace heregoes::safety
