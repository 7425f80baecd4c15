// Tests of the decision rule (clinical.md §5.3, §5.6), category bits in, tier and concern out.

#include "engine/safety/risk_decision.hpp"

#include <gtest/gtest.h>

namespace heregoes::safety {
namespace {

using c = risk_category;

TEST(risk_decision, no_categories_pass) {
    EXPECT_EQ(decide(0, 0, false, false).tier, tier::none);
}

TEST(risk_decision, passive_ideation_asks_the_check_question) {
    const auto d = decide(bit(c::passive_ideation), 0, false, false);
    EXPECT_EQ(d.tier, tier::check);
    EXPECT_EQ(d.concern, concern::self_harm);
}

TEST(risk_decision, imminence_goes_straight_to_the_crisis_message) {
    EXPECT_EQ(decide(bit(c::imminent_act), 0, false, false).tier, tier::crisis);
    EXPECT_EQ(decide(bit(c::method_seeking), 0, false, false).tier, tier::crisis);
}

TEST(risk_decision, one_weak_cue_alone_only_adds_a_note) {
    EXPECT_EQ(decide(bit(c::timing_cue), 0, false, false).tier, tier::note);
}

TEST(risk_decision, two_weak_cues_across_messages_are_a_plan) {
    EXPECT_EQ(decide(bit(c::timing_cue), bit(c::means_cue), false, false).tier, tier::crisis);
}

TEST(risk_decision, a_weak_cue_after_risk_was_seen_is_a_plan) {
    EXPECT_EQ(decide(bit(c::timing_cue), 0, true, false).tier, tier::crisis);
}

TEST(risk_decision, a_question_about_heights_alone_only_adds_a_note) {
    EXPECT_EQ(decide(bit(c::method_location), 0, false, false).tier, tier::note);
}

TEST(risk_decision, a_question_about_heights_after_a_stressor_asks_the_check_question) {
    EXPECT_EQ(decide(bit(c::method_location), bit(c::distress), false, false).tier, tier::check);
}

TEST(risk_decision, a_stressor_after_a_question_about_heights_asks_the_check_question) {
    EXPECT_EQ(decide(bit(c::distress), bit(c::method_location), false, false).tier, tier::check);
}

TEST(risk_decision, hopelessness_asks_once_risk_was_seen) {
    EXPECT_EQ(decide(bit(c::hopelessness), 0, false, false).tier, tier::note);
    EXPECT_EQ(decide(bit(c::hopelessness), 0, true, false).tier, tier::check);
}

TEST(risk_decision, abuse_told_by_a_child_takes_the_child_path) {
    EXPECT_EQ(decide(bit(c::child_abuse), 0, false, false).concern, concern::child);
    EXPECT_EQ(decide(bit(c::domestic_abuse), bit(c::minor_cue), false, false).concern,
              concern::child);
}

TEST(risk_decision, partner_violence_takes_the_domestic_path) {
    const auto d = decide(bit(c::domestic_abuse), 0, false, false);
    EXPECT_EQ(d.tier, tier::crisis);
    EXPECT_EQ(d.concern, concern::domestic);
}

TEST(risk_decision, harm_to_others_has_its_own_path) {
    const auto d = decide(bit(c::harm_to_others), 0, false, false);
    EXPECT_EQ(d.tier, tier::crisis);
    EXPECT_EQ(d.concern, concern::others);
}

TEST(risk_decision, someone_else_at_risk_gets_advice_without_a_takeover) {
    EXPECT_EQ(decide(bit(c::third_party_self_harm), 0, false, false).concern,
              concern::third_party_self_harm);
    EXPECT_EQ(decide(bit(c::third_party_child), 0, false, false).concern,
              concern::third_party_child);
    EXPECT_EQ(decide(bit(c::third_party_abuse), 0, false, false).concern,
              concern::third_party_domestic);
    const auto elder = decide(bit(c::elder_abuse), 0, false, false);
    EXPECT_EQ(elder.tier, tier::third_party);
    EXPECT_EQ(elder.concern, concern::third_party_adult);
}

TEST(risk_decision, a_threat_someone_else_made_gets_advice_without_a_takeover) {
    const auto d = decide(bit(c::third_party_threat), 0, false, false);
    EXPECT_EQ(d.tier, tier::third_party);
    EXPECT_EQ(d.concern, concern::third_party_threat);
}

TEST(risk_decision, the_writers_own_threat_outranks_one_someone_else_made) {
    const auto d = decide(bit(c::third_party_threat) | bit(c::harm_to_others), 0, false, false);
    EXPECT_EQ(d.tier, tier::crisis);
    EXPECT_EQ(d.concern, concern::others);
}

TEST(risk_decision, a_threat_against_a_partner_or_family_keeps_the_domestic_advice) {
    EXPECT_EQ(
        decide(bit(c::third_party_threat) | bit(c::third_party_abuse), 0, false, false).concern,
        concern::third_party_domestic);
}

TEST(risk_decision, the_writers_own_risk_outranks_someone_elses) {
    EXPECT_EQ(
        decide(bit(c::third_party_self_harm) | bit(c::passive_ideation), 0, false, false).tier,
        tier::check);
    EXPECT_EQ(decide(bit(c::third_party_abuse) | bit(c::imminent_act), 0, false, false).tier,
              tier::crisis);
}

TEST(risk_decision, timing_words_next_to_someone_elses_risk_are_not_the_writers_plan) {
    const risk_bits now =
        bit(c::third_party_self_harm) | bit(c::timing_cue) | bit(c::seriousness_cue);
    EXPECT_EQ(decide(now, 0, false, false).tier, tier::third_party);
}

TEST(risk_decision, a_child_reporting_violence_at_home_still_takes_the_child_path) {
    EXPECT_EQ(decide(bit(c::elder_abuse), bit(c::minor_cue), false, false).concern, concern::child);
}

TEST(risk_decision, an_informational_frame_adds_a_note) {
    EXPECT_EQ(decide(0, 0, false, true).tier, tier::note);
}

TEST(risk_decision, risk_outranks_an_identity_question) {
    EXPECT_EQ(decide(bit(c::identity_question) | bit(c::passive_ideation), 0, false, false).tier,
              tier::check);
    EXPECT_EQ(decide(bit(c::identity_question), 0, false, false).tier, tier::disclosure);
}

} // namespace
} // namespace heregoes::safety
