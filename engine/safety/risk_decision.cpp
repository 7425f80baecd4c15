// The decision rule (see risk_decision.hpp). Method and plan words predict risk better than
// feeling words (clinical.md §5.2), so imminence goes straight to the crisis message; cues that
// are ambiguous alone (a timing phrase, a question about heights, "what's the point") count only
// next to another cue in the recent window, or once risk was seen in the session (§5.6).

#include "engine/safety/risk_decision.hpp"

#include <bit>

namespace heregoes::safety {
namespace {

using c = risk_category;

constexpr risk_bits self_crisis = bit(c::active_ideation) | bit(c::imminent_act) |
                                  bit(c::method_seeking) | bit(c::self_harm_severe);
constexpr risk_bits check_cues = bit(c::passive_ideation) | bit(c::preparatory_act) |
                                 bit(c::burdensomeness) | bit(c::future_absence) |
                                 bit(c::self_harm);
constexpr risk_bits weak_cues = bit(c::timing_cue) | bit(c::means_cue) | bit(c::seriousness_cue);
constexpr risk_bits ideation = check_cues | self_crisis | bit(c::hopelessness);
constexpr risk_bits context = ideation | bit(c::distress) | bit(c::method_location);
// Someone else at risk now. Elder abuse is always about someone else: the person writing is
// the one who can get help for them. So is a threat someone else made against another person.
constexpr risk_bits third_party = bit(c::third_party_self_harm) | bit(c::third_party_child) |
                                  bit(c::third_party_abuse) | bit(c::elder_abuse) |
                                  bit(c::third_party_threat);
// Violence a child reports at home is the child's own danger.
constexpr risk_bits household_harm = bit(c::domestic_abuse) | bit(c::elder_abuse);

constexpr bool has(risk_bits bits, risk_bits mask) noexcept {
    return (bits & mask) != 0;
}

} // namespace

risk_decision
decide(risk_bits now, risk_bits earlier, bool risk_seen, bool informational) noexcept {
    const risk_bits window = now | earlier;
    const bool minor = has(window, bit(c::minor_cue));
    if (has(now, bit(c::child_abuse)) || (minor && has(now, household_harm))) {
        return {tier::crisis, concern::child};
    }
    if (has(now, self_crisis)) {
        return {tier::crisis, concern::self_harm};
    }
    if (has(now, bit(c::harm_to_others))) {
        return {tier::crisis, concern::others};
    }
    if (has(now, bit(c::domestic_abuse))) {
        return {tier::crisis, concern::domestic};
    }
    // Someone else at risk, with no sign of the writer's own risk in the same message: advice
    // on helping them, not a takeover. Timing or "not joking" words next to it are about that
    // person, so they do not count as the writer's plan below.
    if (has(now, third_party) && !has(now, check_cues | bit(c::hopelessness))) {
        if (has(now, bit(c::third_party_self_harm))) {
            return {tier::third_party, concern::third_party_self_harm};
        }
        if (has(now, bit(c::third_party_child))) {
            return {tier::third_party, concern::third_party_child};
        }
        if (has(now, bit(c::third_party_abuse))) {
            return {tier::third_party, concern::third_party_domestic};
        }
        // Someone else threatens a person outside their family (a boss, a teacher): advice for
        // the writer on getting help to that person, never the writer's own harm-to-others path.
        if (has(now, bit(c::third_party_threat))) {
            return {tier::third_party, concern::third_party_threat};
        }
        return {tier::third_party, concern::third_party_adult};
    }
    // "Tonight's the night" alone is ambiguous; with a second cue, or after risk, it is a plan.
    if (has(now, weak_cues) &&
        (std::popcount(window & weak_cues) >= 2 || has(window, ideation) || risk_seen)) {
        return {tier::crisis, concern::self_harm};
    }
    if (has(now, check_cues)) {
        return {tier::check, concern::self_harm};
    }
    // A question about heights, or "what's the point", next to a stressor or another cue.
    const risk_bits soft = bit(c::method_location) | bit(c::hopelessness);
    if (has(now, soft) && (risk_seen || has(earlier, context) || has(now, context & ~soft))) {
        return {tier::check, concern::self_harm};
    }
    // A stressor after an earlier question about heights or "what's the point" joins up too.
    if (has(now, bit(c::distress)) && has(earlier, soft)) {
        return {tier::check, concern::self_harm};
    }
    if (has(now, bit(c::identity_question))) {
        return {tier::disclosure, concern::none};
    }
    if (informational || has(now, bit(c::method_location) | bit(c::hopelessness) | weak_cues) ||
        (risk_seen && has(now, bit(c::distress)))) {
        return {tier::note, concern::none};
    }
    return {tier::none, concern::none};
}

} // namespace heregoes::safety
