#pragma once

// A compiled pattern pack: one locale's shorthand, guard patterns and risk patterns, loaded from a
// data file in dialogs/safety/patterns/<locale>.json with its named fragments expanded. Risk
// patterns are compiled into one RE2::Set so a message is scanned once whatever the number of
// patterns; guard patterns (idioms, negations, informational and historical frames) are compiled
// into one RE2 used to mask the spans they cover before the risk scan, so a guard only hides the
// words it is about.

#include "engine/core/expected.hpp"
#include "engine/safety/normaliser.hpp"
#include "engine/safety/risk_category.hpp"

#include <re2/re2.h>
#include <re2/set.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace heregoes::safety {

// Memory RE2 may use for one pack's automata. The risk set of a pack holds a few hundred
// alternations; the default 8 MiB can run the DFA out of memory, and a set that fails to match
// would miss risk silently, so the budget is generous and the tests check no scan fails.
inline constexpr std::int64_t pack_regex_memory_bytes = 64 << 20;

// The options every regex of a pack is compiled with: errors come back as values (RE2 logs
// nothing, so no pattern text reaches the logs) and RE2 may use pack_regex_memory_bytes.
inline RE2::Options pack_regex_options() {
    RE2::Options o;
    o.set_log_errors(false);
    o.set_max_mem(pack_regex_memory_bytes);
    return o;
}

// Largest pack file read, to keep a corrupt or hostile file from exhausting memory.
inline constexpr std::size_t max_pack_file_bytes = 1 << 20;

// Kinds of guard, in the order they are tried where two start at the same word. `someone_else`
// is a report about another person ("my brother has been feeling suicidal"): its span is masked,
// so the writer's own patterns do not read it as the writer's risk, and counts as the category
// the pack files it under.
enum class guard_kind : std::uint8_t { idiom, negation, informational, someone_else };

// One kind of guard (or one someone_else category) compiled on its own. The screen finds guarded
// spans with the combined guard, which needs only RE2's DFA, and then asks the parts in order
// which one the span is; capture groups would make RE2 run its much slower NFA on every span.
struct guard_part {
    std::unique_ptr<RE2> pattern; // the part's patterns as one alternation
    guard_kind kind = guard_kind::idiom;
    risk_category category = risk_category::third_party_self_harm; // someone_else only
};

class pattern_pack {
public:
    // Compiles a pack from its JSON text; `where` names the file in error messages. The text is
    // read with the bounded JSON parser (syntax, nesting and duplicate keys fail naming
    // file:line:column) and "fragments" are expanded into every pattern first
    // (pattern_fragments.hpp). Other errors name the JSON pointer of the bad pattern or fragment
    // and RE2's reason.
    static expected<std::unique_ptr<pattern_pack>> parse(std::string_view json_text,
                                                         std::string_view where);

    // Reads and compiles a pack file (dialogs/safety/patterns/<locale>.json).
    static expected<std::unique_ptr<pattern_pack>> load_file(const std::string& path);

    // The compiled parts, for the screen: locale, shorthand, combined guards, risk set, and the
    // category of each risk-set entry.
    const std::string& locale() const noexcept { return locale_; }
    const shorthand_table& shorthand() const noexcept { return shorthand_; }
    const RE2& guards() const noexcept { return *guards_; }
    // Each kind of guard on its own, in guard_kind order (someone_else once per category); kinds
    // with no patterns are left out.
    const std::vector<guard_part>& guard_parts() const noexcept { return guard_parts_; }
    const RE2::Set& risks() const noexcept { return *risks_; }
    risk_category category_of(int set_index) const noexcept {
        return category_of_[static_cast<std::size_t>(set_index)];
    }
    std::size_t risk_pattern_count() const noexcept { return category_of_.size(); }

    enum class answer : std::uint8_t { yes, no, other };
    // Reads a normalised reply to the check question: a plain yes, a plain no, or anything else.
    answer classify_answer(std::string_view normalised) const;

private:
    pattern_pack() = default;

    std::string locale_;
    shorthand_table shorthand_;
    std::unique_ptr<RE2> guards_;
    std::unique_ptr<RE2::Set> risks_;
    std::unique_ptr<RE2> answer_yes_;
    std::unique_ptr<RE2> answer_no_;
    std::vector<risk_category> category_of_;
    std::vector<guard_part> guard_parts_;
};

} // namespace heregoes::safety
