#pragma once

// The decision rule: from the categories of the current message, the recent window and whether
// risk was seen earlier in the session, to a tier (clinical.md §5.3) and a concern. Kept apart
// from the gate so the rule can be read, and tested, on its own.

#include "engine/safety/risk_category.hpp"

#include <cstdint>

namespace heregoes::safety {

// What triggered the current safety conversation; stored in safety_state::concern.
enum class concern : std::uint8_t {
    none,
    self_harm, // suicide or self-harm
    child,     // a child disclosing abuse
    domestic,  // intimate-partner or household violence
    elder,     // kept for sessions paused before elder abuse became third-party advice
    others,    // a threat to another person
    help,      // the person asked for help (the help button)
    // Someone else at risk now (clinical.md §5.4): advice on helping them, never a pause.
    third_party_self_harm, // another person may end their life or hurt themselves
    third_party_child,     // a child the writer knows is being harmed
    third_party_adult,     // an older or dependent adult being harmed or exploited
    third_party_domestic,  // an adult being hurt by a partner or family member
    third_party_threat,    // someone the writer knows threatens to hurt another person
};

enum class tier : std::uint8_t {
    none,        // no risk: the dialog answers
    note,        // no takeover: the dialog answers and adds one line about help
    disclosure,  // "are you a bot?": the honest answer, then the dialog continues
    third_party, // someone else at risk now: advice on helping them, then the dialog continues
    check,       // tier 1: one direct, kind check question
    crisis,      // tier 2: the fixed crisis message at once
};

struct risk_decision {
    enum tier tier = tier::none;
    enum concern concern = concern::none;
};

// Decides for one message. `now` is its categories, `earlier` the union of the recent messages'
// categories; `informational` is set when an informational or historical frame matched.
risk_decision decide(risk_bits now, risk_bits earlier, bool risk_seen, bool informational) noexcept;

} // namespace heregoes::safety
