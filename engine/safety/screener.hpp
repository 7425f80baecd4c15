#pragma once

// The screen: one message in, the risk categories it matches out. Pure and allocation-light, it
// runs on every free-text input before any dialog logic. Guards mask the spans they cover first
// ("not suicidal", "this homework is killing me", "what does a therapist do if someone says...")
// so they hide only those words: a risk phrase elsewhere in the same message still counts, and
// "not joking" is no negation at all. A report about someone else ("my brother has been feeling
// suicidal") is masked the same way and counts as that person's risk, never the writer's.

#include "engine/safety/pattern_pack.hpp"
#include "engine/safety/risk_category.hpp"

#include <string_view>

namespace heregoes::safety {

struct screen_result {
    risk_bits bits = 0;         // categories matched after guards were applied
    bool informational = false; // an informational, third-party or historical frame was seen
    bool scan_failed = false;   // RE2 could not complete a scan (out of memory): treat as unknown
};

// Screens one message against one locale's pack. Deterministic, no I/O.
screen_result screen(const pattern_pack& pack, std::string_view message);

} // namespace heregoes::safety
