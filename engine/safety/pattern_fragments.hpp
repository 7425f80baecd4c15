#pragma once

// Named pattern fragments of a pattern pack: the pack's top-level "fragments" object names pieces
// of regex ("someone": "she|he|they|(?:my|our) ..."), and patterns use them as {someone}. They
// are expanded once, when the pack loads, so the compiled RE2 automata are exactly those of the
// written-out patterns: fragments cost nothing on the screen's hot path, and one edit to a list
// of people or verbs reaches every pattern that uses it (dialogs/safety/README.md).

#include "engine/core/expected.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace heregoes::safety {

// Deepest chain of references, counting the pattern's own: pattern -> {someone} -> {relation} is
// 2, what the shipped packs need. A deeper chain is hard for a reviewer to follow back to the
// words it matches, and the limit keeps expansion shallow.
inline constexpr std::size_t max_fragment_depth = 3;

// Longest text one fragment or pattern may expand to. The longest shipped pattern expands to
// under 2 KiB; a much longer one is a mistake or hostile input, and the bound keeps references
// repeated inside references from multiplying into megabytes.
inline constexpr std::size_t max_expanded_pattern_bytes = 16 << 10;

// Most expanded pattern text one pack may produce: twice the largest pack file read, far above
// the shipped packs (about 80 KiB each expanded), so a file of many short references to a long
// fragment cannot make RE2 compile gigabytes.
inline constexpr std::size_t max_expanded_pack_bytes = 2 << 20;

// One pattern after expansion: its regex text and the fragments it named directly, in the order
// it named them, for error messages ("after expanding {someone}, {says_that}").
struct expanded_pattern {
    std::string text;
    std::vector<std::string> fragments;
};

// Whether `name` may name a fragment: [a-z_][a-z0-9_]*, which can never be RE2's counted
// repetition ({2}, {2,3}), since that starts with a digit.
bool is_fragment_name(std::string_view name) noexcept;

// The fragments of one pack, each already expanded (its own references resolved) and wrapped in
// (?:...) so an alternation inside a fragment can never leak into the pattern around it.
class fragment_table {
public:
    // An empty table: a pack without "fragments". Any reference is then an unknown fragment.
    fragment_table() = default;

    // Reads a pack's "fragments" object. `place` is its location ("xx.json#/fragments"). Fails
    // naming the fragment's pointer for a value that is not a non-empty string, an invalid name, a
    // reference to an unknown fragment, a cycle, a chain deeper than max_fragment_depth, an
    // expansion longer than max_expanded_pattern_bytes, and a fragment that is not a whole regex
    // on its own.
    static expected<fragment_table> parse(const nlohmann::json& node, const std::string& place);

    // Expands every {name} in `pattern`, found at `place` (a JSON pointer), and marks those
    // fragments used. Fails naming `place` for an unknown name, an unterminated or malformed
    // reference, or an expansion over max_expanded_pattern_bytes or, added to the earlier ones,
    // over max_expanded_pack_bytes.
    expected<expanded_pattern> expand(std::string_view pattern, const std::string& place);

    // Fails naming the first fragment no pattern or fragment used: it is either a pattern that
    // wrote the words out again instead of using it, or dead text reviewers would still read.
    expected<void> check_all_used() const;

private:
    struct fragment {
        std::string source;    // as written in the file
        std::string expanded;  // "(?:" + source with references expanded + ")"
        std::string place;     // file#/fragments/<name>
        std::size_t depth = 0; // 1 for a fragment that uses none, else 1 + its deepest reference
        bool used = false;
    };

    expected<void> resolve(const std::string& name, std::vector<std::string>& chain);

    std::map<std::string, fragment, std::less<>> fragments_;
    std::size_t expanded_bytes_ = 0;
};

} // namespace heregoes::safety
