// Tests of the gate's flows (clinical.md §5.3): the tier-1 check question and its answers, the
// tier-2 crisis message and the pause, the help button at any time, the gentle note, context
// across messages, determinism, and the fixed shape of crisis messages.

#include "tests/engine/safety/test_data.hpp"

#include <gtest/gtest.h>

namespace heregoes::safety {
namespace {

class gate_flow : public ::testing::Test {
protected:
    void SetUp() override {
        gate_ = testing::shipped_gate("US");
        ASSERT_NE(gate_, nullptr);
    }

    gate_result text(std::string_view value, std::string_view locale = "en") {
        out_.clear();
        return gate_->before_input(state_, {gate_input::kind::text, value}, locale, out_);
    }

    gate_result choose(std::string_view id, std::string_view locale = "en") {
        out_.clear();
        return gate_->before_input(state_, {gate_input::kind::choice, id}, locale, out_);
    }

    std::string last_id() const { return out_.empty() ? std::string() : out_.back().id; }

    // Checks a third-party answer: one message `id` that ends the gate's turn with no replies of
    // its own (the dialog offers its choices under it), the US emergency number before the crisis
    // line, and no pause.
    void expect_third_party_advice(std::string_view id) const {
        ASSERT_EQ(out_.size(), 1u);
        const bot_message& m = out_.back();
        EXPECT_EQ(m.id, id);
        EXPECT_TRUE(m.await);
        EXPECT_TRUE(m.choices.empty()) << "the dialog offers its own choices under the advice";
        const auto emergency = m.text.find("911");
        const auto lifeline = m.text.find("988");
        ASSERT_NE(emergency, std::string::npos);
        ASSERT_NE(lifeline, std::string::npos);
        EXPECT_LT(emergency, lifeline);
        EXPECT_EQ(state_.current, safety_state::mode::idle);
    }

    std::shared_ptr<const screening_gate> gate_;
    safety_state state_;
    std::vector<bot_message> out_;
};

TEST_F(gate_flow, ordinary_text_passes_without_messages) {
    EXPECT_EQ(text("What happens in the first session?"), gate_result::pass);
    EXPECT_TRUE(out_.empty());
    EXPECT_EQ(state_.current, safety_state::mode::idle);
}

TEST_F(gate_flow, possible_risk_asks_one_check_question) {
    EXPECT_EQ(text("honestly i don't see the point of waking up anymore"), gate_result::took_over);
    ASSERT_EQ(out_.size(), 1u);
    EXPECT_EQ(last_id(), "safety.check");
    EXPECT_EQ(out_[0].topic, topic::crisis);
    EXPECT_TRUE(out_[0].flags & flag_crisis);
    EXPECT_TRUE(out_[0].await);
    ASSERT_EQ(out_[0].choices.size(), 4u);
    EXPECT_EQ(out_[0].choices[0].id, "safety.yes");
    EXPECT_EQ(out_[0].choices[1].id, "safety.not_now");
    EXPECT_EQ(out_[0].choices[2].id, "safety.rather_not");
    EXPECT_EQ(out_[0].choices[3].id, "safety.help_now");
    EXPECT_EQ(state_.current, safety_state::mode::awaiting_check);
    EXPECT_TRUE(state_.risk_seen);
}

TEST_F(gate_flow, yes_to_the_check_question_shows_the_crisis_message_and_pauses) {
    text("everyone would be better off without me");
    EXPECT_EQ(choose("safety.yes"), gate_result::took_over);
    EXPECT_EQ(last_id(), "safety.crisis.self_harm");
    EXPECT_EQ(state_.current, safety_state::mode::paused);
    ASSERT_EQ(out_.back().choices.size(), 2u);
    EXPECT_EQ(out_.back().choices[0].id, "safety.back");
    EXPECT_EQ(out_.back().choices[1].id, "safety.help_now");
}

TEST_F(gate_flow, typed_yes_to_the_check_question_counts_as_yes) {
    text("everyone would be better off without me");
    EXPECT_EQ(text("yeah"), gate_result::took_over);
    EXPECT_EQ(last_id(), "safety.crisis.self_harm");
}

TEST_F(gate_flow, no_to_the_check_question_thanks_mentions_help_once_and_resumes) {
    text("everyone would be better off without me");
    EXPECT_EQ(choose("safety.not_now"), gate_result::resume);
    ASSERT_EQ(out_.size(), 1u);
    EXPECT_EQ(last_id(), "safety.ack_no");
    EXPECT_NE(out_[0].text.find("911"), std::string::npos);
    EXPECT_FALSE(out_[0].await);
    EXPECT_EQ(state_.current, safety_state::mode::idle);
    EXPECT_TRUE(state_.risk_seen);
}

TEST_F(gate_flow, typed_no_to_the_check_question_counts_as_no) {
    text("everyone would be better off without me");
    EXPECT_EQ(text("no, I'm ok"), gate_result::resume);
    EXPECT_EQ(last_id(), "safety.ack_no");
}

TEST_F(gate_flow, rather_not_say_shows_the_resources_and_continues_gently) {
    text("everyone would be better off without me");
    EXPECT_EQ(choose("safety.rather_not"), gate_result::resume);
    EXPECT_EQ(last_id(), "safety.rather_not");
    EXPECT_NE(out_.back().text.find("988"), std::string::npos);
    EXPECT_EQ(state_.current, safety_state::mode::idle);
}

TEST_F(gate_flow, an_ambiguous_answer_is_handled_like_rather_not_say) {
    text("everyone would be better off without me");
    EXPECT_EQ(text("what time is my appointment"), gate_result::resume);
    EXPECT_EQ(last_id(), "safety.rather_not");
}

TEST_F(gate_flow, more_risk_in_the_answer_goes_to_the_crisis_message) {
    text("i just want everything to stop");
    EXPECT_EQ(text("i keep wishing i would not wake up"), gate_result::took_over);
    EXPECT_EQ(last_id(), "safety.crisis.self_harm");
}

TEST_F(gate_flow, imminent_language_shows_the_crisis_message_at_once) {
    EXPECT_EQ(text("I took a lot of pills about an hour ago and now I'm scared."),
              gate_result::took_over);
    ASSERT_EQ(out_.size(), 1u);
    EXPECT_EQ(last_id(), "safety.crisis.self_harm");
    EXPECT_EQ(state_.current, safety_state::mode::paused);
}

TEST_F(gate_flow, the_crisis_message_gives_the_emergency_number_before_the_crisis_lines) {
    text("i've taken an overdose");
    const std::string& t = out_.back().text;
    const auto emergency = t.find("911");
    const auto lifeline = t.find("988");
    ASSERT_NE(emergency, std::string::npos);
    ASSERT_NE(lifeline, std::string::npos);
    EXPECT_LT(emergency, lifeline);
}

TEST_F(gate_flow, text_while_paused_keeps_the_help_in_view) {
    text("i've taken an overdose");
    EXPECT_EQ(text("ok"), gate_result::took_over);
    EXPECT_EQ(last_id(), "safety.paused");
    EXPECT_EQ(state_.current, safety_state::mode::paused);
}

TEST_F(gate_flow, going_back_resumes_the_dialog_when_the_person_chooses) {
    text("i've taken an overdose");
    EXPECT_EQ(choose("safety.back"), gate_result::resume);
    EXPECT_EQ(last_id(), "safety.back");
    EXPECT_EQ(state_.current, safety_state::mode::idle);
    EXPECT_TRUE(state_.risk_seen);
}

TEST_F(gate_flow, help_now_works_when_idle) {
    EXPECT_EQ(choose("safety.help_now"), gate_result::took_over);
    EXPECT_EQ(last_id(), "safety.crisis.help");
    EXPECT_EQ(state_.current, safety_state::mode::paused);
}

TEST_F(gate_flow, help_now_works_during_the_check_question) {
    text("everyone would be better off without me");
    EXPECT_EQ(choose("safety.help_now"), gate_result::took_over);
    EXPECT_EQ(last_id(), "safety.crisis.help");
}

TEST_F(gate_flow, help_now_while_paused_repeats_the_matching_help) {
    text("My boyfriend checks my phone and last night he choked me.");
    EXPECT_EQ(choose("safety.help_now"), gate_result::took_over);
    EXPECT_EQ(last_id(), "safety.crisis.domestic");
}

TEST_F(gate_flow, a_dialog_button_during_the_check_question_moves_on_with_a_note) {
    text("everyone would be better off without me");
    EXPECT_EQ(choose("menu.expect"), gate_result::pass_with_note);
    EXPECT_EQ(state_.current, safety_state::mode::idle);
}

TEST_F(gate_flow, informational_question_passes_with_a_note) {
    EXPECT_EQ(text("What does a therapist actually do if someone says they're suicidal?"),
              gate_result::pass_with_note);
    EXPECT_TRUE(out_.empty());
}

TEST_F(gate_flow, the_note_keeps_the_answers_topic_and_ends_the_turn) {
    std::vector<bot_message> answer(1);
    answer[0].id = "confidentiality.limits";
    answer[0].topic = topic::confidentiality;
    answer[0].await = true;
    gate_->append_note(state_, "en", answer);
    ASSERT_EQ(answer.size(), 2u);
    EXPECT_FALSE(answer[0].await);
    EXPECT_TRUE(answer[1].await);
    EXPECT_EQ(answer[1].id, "safety.help_line");
    EXPECT_EQ(answer[1].topic, topic::confidentiality);
    EXPECT_EQ(answer[1].flags, flag_help_note);
    EXPECT_EQ(answer[1].text.rfind("If you're in danger now, call 911.", 0), 0u);
}

TEST_F(gate_flow, idioms_and_negations_pass) {
    EXPECT_EQ(text("This homework is killing me."), gate_result::pass);
    EXPECT_EQ(text("I'm not suicidal or anything, I'm just really nervous about opening up."),
              gate_result::pass);
}

TEST_F(gate_flow, not_joking_does_not_negate_risk) {
    EXPECT_EQ(text("not joking this time. i've got everything i need and tonight's the night"),
              gate_result::took_over);
    EXPECT_EQ(last_id(), "safety.crisis.self_harm");
}

TEST_F(gate_flow, risk_split_across_two_messages_is_caught) {
    EXPECT_EQ(text("I just lost my job."), gate_result::pass);
    EXPECT_EQ(text("Which bridges around here are the tallest?"), gate_result::took_over);
    EXPECT_EQ(last_id(), "safety.check");
}

TEST_F(gate_flow, the_same_question_without_context_only_adds_a_note) {
    EXPECT_EQ(text("Which bridges around here are the tallest?"), gate_result::pass_with_note);
}

TEST_F(gate_flow, context_keeps_only_category_bits_of_recent_messages) {
    text("I just lost my job.");
    text("ok");
    EXPECT_EQ(state_.turns_seen, 2);
    EXPECT_EQ(state_.recent[0], 0u);
    EXPECT_EQ(state_.recent[1], bit(risk_category::distress));
}

TEST_F(gate_flow, crisis_takes_priority_over_a_confidentiality_question) {
    EXPECT_EQ(text("If my therapist tells my parents anything, I'll kill myself before they can "
                   "do anything."),
              gate_result::took_over);
    EXPECT_EQ(last_id(), "safety.crisis.self_harm");
}

TEST_F(gate_flow, a_child_disclosing_abuse_gets_child_lines_and_no_promise_of_secrecy) {
    text("I'm 14 and my stepdad comes into my room at night and I don't want him to.");
    EXPECT_EQ(last_id(), "safety.crisis.child");
    const std::string& t = out_.back().text;
    EXPECT_NE(t.find("Childhelp"), std::string::npos);
    EXPECT_NE(t.find("adult you trust"), std::string::npos);
    EXPECT_EQ(t.find("secret"), std::string::npos);
}

TEST_F(gate_flow, partner_violence_gets_the_abuse_helpline_and_quick_exit) {
    text("My boyfriend checks my phone and last night he choked me. I can't tell anyone.");
    EXPECT_EQ(last_id(), "safety.crisis.domestic");
    EXPECT_NE(out_.back().text.find("800-799-7233"), std::string::npos);
    EXPECT_NE(out_.back().text.find("Exit"), std::string::npos);
}

TEST_F(gate_flow, harm_to_others_gets_urgent_help) {
    text("I keep thinking about hurting my coworker. I know where he parks.");
    EXPECT_EQ(last_id(), "safety.crisis.others");
}

TEST_F(gate_flow, elder_abuse_gets_adult_safeguarding_advice_and_the_dialog_carries_on) {
    EXPECT_EQ(text("My grandma's carer hits her and takes her money and she's too scared to say "
                   "anything."),
              gate_result::answered);
    EXPECT_EQ(last_id(), "safety.third_party.adult");
    EXPECT_NE(out_.back().text.find("adult safeguarding"), std::string::npos);
    EXPECT_EQ(state_.current, safety_state::mode::idle);
    EXPECT_FALSE(state_.risk_seen);
}

TEST_F(gate_flow, a_friend_at_risk_tonight_gets_the_emergency_number_first_and_no_pause) {
    EXPECT_EQ(text("my friend says she'll kill herself tonight"), gate_result::answered);
    expect_third_party_advice("safety.third_party.self_harm");
    EXPECT_EQ(text("What happens in the first session?"), gate_result::pass);
}

TEST_F(gate_flow, a_child_at_risk_gets_the_lines_for_worries_about_children) {
    EXPECT_EQ(text("the neighbours kids are being hit every night"), gate_result::answered);
    EXPECT_EQ(last_id(), "safety.third_party.child");
    EXPECT_NE(out_.back().text.find("Childhelp"), std::string::npos);
}

TEST_F(gate_flow, a_friend_hurt_by_a_partner_gets_the_domestic_abuse_helpline) {
    EXPECT_EQ(text("my friend's boyfriend hits her and she won't leave"), gate_result::answered);
    EXPECT_EQ(last_id(), "safety.third_party.domestic");
    EXPECT_NE(out_.back().text.find("National Domestic Violence Hotline"), std::string::npos);
}

TEST_F(gate_flow, a_threat_someone_else_made_gets_advice_for_the_writer_and_no_pause) {
    EXPECT_EQ(text("my brother says he is going to kill his boss"), gate_result::answered);
    expect_third_party_advice("safety.third_party.threat");
    EXPECT_NE(out_.back().text.find("police"), std::string::npos);
    EXPECT_FALSE(state_.risk_seen);
}

TEST_F(gate_flow, someone_elses_wish_to_hurt_a_person_gets_the_threat_advice) {
    EXPECT_EQ(text("my brother wants to kill his boss"), gate_result::answered);
    EXPECT_EQ(last_id(), "safety.third_party.threat");
}

TEST_F(gate_flow, the_writers_own_threat_still_gets_the_harm_to_others_crisis) {
    EXPECT_EQ(text("I'm going to kill my boss"), gate_result::took_over);
    EXPECT_EQ(last_id(), "safety.crisis.others");
    EXPECT_EQ(state_.current, safety_state::mode::paused);
}

TEST_F(gate_flow, an_idiom_about_the_writer_never_gets_the_threat_advice) {
    for (const auto& [locale, idiom] :
         {std::pair{"en", "my boss is going to kill me if I'm late"},
          std::pair{"en", "my mum will kill me"},
          std::pair{"en", "my mum is going to kill me when she sees this"},
          std::pair{"es", "mi jefe me va a matar si llego tarde"},
          std::pair{"es", "mi madre me va a matar"}}) {
        state_ = {};
        text(idiom, locale);
        EXPECT_NE(last_id(), "safety.third_party.threat") << idiom;
    }
}

TEST_F(gate_flow, spanish_threat_advice_is_in_spanish) {
    EXPECT_EQ(text("mi hermano quiere matar a su jefe", "es"), gate_result::answered);
    EXPECT_EQ(last_id(), "safety.third_party.threat");
    EXPECT_NE(out_.back().text.find("Gracias"), std::string::npos);
    EXPECT_NE(out_.back().text.find("policía"), std::string::npos);
}

TEST_F(gate_flow, someone_elses_past_risk_keeps_the_gentle_note) {
    EXPECT_EQ(text("my uncle took his own life when i was young"), gate_result::pass_with_note);
    EXPECT_TRUE(out_.empty());
}

TEST_F(gate_flow, spanish_third_party_advice_is_in_spanish) {
    EXPECT_EQ(text("mi amiga dice que se va a matar esta noche", "es"), gate_result::answered);
    EXPECT_EQ(last_id(), "safety.third_party.self_harm");
    EXPECT_NE(out_.back().text.find("Gracias"), std::string::npos);
}

TEST_F(gate_flow, uk_third_party_advice_names_the_nspcc_for_a_child) {
    gate_ = testing::shipped_gate("UK");
    ASSERT_NE(gate_, nullptr);
    EXPECT_EQ(text("my friend's dad beats her"), gate_result::answered);
    EXPECT_NE(out_.back().text.find("999"), std::string::npos);
    EXPECT_NE(out_.back().text.find("NSPCC"), std::string::npos);
    EXPECT_EQ(out_.back().text.find("911"), std::string::npos);
}

TEST_F(gate_flow, third_party_advice_during_the_pause_keeps_the_pause) {
    text("i've taken an overdose");
    EXPECT_EQ(text("my friend says she'll kill herself tonight"), gate_result::took_over);
    EXPECT_EQ(last_id(), "safety.third_party.self_harm");
    ASSERT_FALSE(out_.back().choices.empty());
    EXPECT_EQ(out_.back().choices[0].id, "safety.back");
    EXPECT_EQ(state_.current, safety_state::mode::paused);
}

TEST_F(gate_flow, delete_my_data_during_the_pause_reaches_the_dialog) {
    text("i've taken an overdose");
    EXPECT_EQ(text("please delete my data"), gate_result::pass);
    EXPECT_TRUE(out_.empty());
    EXPECT_EQ(state_.current, safety_state::mode::idle);
}

TEST_F(gate_flow, spanish_delete_my_data_during_the_pause_reaches_the_dialog) {
    text("Me tomé un montón de pastillas hace una hora y ahora tengo miedo.", "es");
    ASSERT_EQ(state_.current, safety_state::mode::paused);
    EXPECT_EQ(text("borra mis datos", "es"), gate_result::pass);
    EXPECT_EQ(state_.current, safety_state::mode::idle);
}

TEST_F(gate_flow, a_crisis_phrase_with_delete_my_data_during_the_pause_gets_the_crisis_response) {
    text("i've taken an overdose");
    EXPECT_EQ(text("delete my data, i am going to kill myself tonight"), gate_result::took_over);
    EXPECT_EQ(last_id(), "safety.crisis.self_harm");
    EXPECT_EQ(state_.current, safety_state::mode::paused);
}

TEST_F(gate_flow, asking_whether_it_is_a_bot_during_the_pause_gets_the_honest_answer) {
    text("i've taken an overdose");
    EXPECT_EQ(text("is anyone reading this?"), gate_result::took_over);
    EXPECT_EQ(last_id(), "safety.disclosure");
    ASSERT_FALSE(out_.back().choices.empty());
    EXPECT_EQ(out_.back().choices[0].id, "safety.back");
    EXPECT_EQ(state_.current, safety_state::mode::paused);
}

TEST_F(gate_flow, delete_my_data_instead_of_answering_the_check_question_moves_on_with_a_note) {
    text("everyone would be better off without me");
    EXPECT_EQ(text("delete my data"), gate_result::pass_with_note);
    EXPECT_EQ(state_.current, safety_state::mode::idle);
}

TEST_F(gate_flow, asking_whether_it_is_a_bot_gets_the_honest_answer) {
    EXPECT_EQ(text("wait, are you a real person?"), gate_result::answered);
    EXPECT_EQ(last_id(), "safety.disclosure");
    EXPECT_EQ(out_.back().topic, topic::about);
    EXPECT_EQ(out_.back().flags, flag_disclosure);
    EXPECT_NE(out_.back().text.find("automated guide"), std::string::npos);
}

TEST_F(gate_flow, spanish_sessions_get_spanish_messages) {
    text("me quiero suicidar", "es");
    EXPECT_EQ(last_id(), "safety.crisis.self_harm");
    EXPECT_NE(out_.back().text.find("Gracias por contármelo"), std::string::npos);
}

// clinical.md §9.3 N15 in Spanish: negating the risk term itself is not a disclosure.
TEST_F(gate_flow, spanish_explicit_negation_of_the_risk_passes) {
    for (const std::string_view negated :
         {"No estoy pensando en suicidarme ni nada, solo estoy muy nerviosa por abrirme.",
          "no es que quiera morirme, es que me da miedo contarlo todo",
          "no quiero hacerme daño ni nada, solo quiero saber qué pasa en la primera sesión",
          "ni de broma me haría daño, solo estoy nerviosa"}) {
        state_ = safety_state{};
        EXPECT_NE(text(negated, "es"), gate_result::took_over) << negated;
        EXPECT_EQ(state_.current, safety_state::mode::idle) << negated;
    }
}

// The guard covers only a negated risk term: "no" before wanting to live or go on is the risk.
TEST_F(gate_flow, spanish_negated_will_to_live_still_asks) {
    for (const std::string_view risk : {"no quiero vivir",
                                        "ya no aguanto más",
                                        "no quiero seguir",
                                        "ya no quiero estar aquí",
                                        "no estoy pensando en suicidarme ni nada pero ya no quiero "
                                        "vivir"}) {
        state_ = safety_state{};
        EXPECT_EQ(text(risk, "es"), gate_result::took_over) << risk;
    }
}

TEST_F(gate_flow, an_unknown_locale_falls_back_to_english) {
    text("i want to kill myself", "fr");
    EXPECT_EQ(last_id(), "safety.crisis.self_harm");
    EXPECT_NE(out_.back().text.find("Thank you for telling me"), std::string::npos);
}

TEST_F(gate_flow, same_state_and_input_give_the_same_output) {
    const safety_state start = state_;
    text("I'm so tired of fighting. I just want everything to stop, permanently.");
    const auto first_state = state_;
    const auto first_out = out_;
    state_ = start;
    text("I'm so tired of fighting. I just want everything to stop, permanently.");
    EXPECT_EQ(state_, first_state);
    ASSERT_EQ(out_.size(), first_out.size());
    for (std::size_t i = 0; i < out_.size(); ++i) {
        EXPECT_EQ(out_[i].id, first_out[i].id);
        EXPECT_EQ(out_[i].text, first_out[i].text);
    }
}

TEST(gate_options_test, whether_anyone_reads_the_chat_comes_from_configuration) {
    auto options = testing::test_options("US");
    options.chat_is_read = true;
    const auto read = load_gate(options);
    ASSERT_TRUE(read) << read.error().to_string();
    const auto unread = testing::shipped_gate("US");
    ASSERT_NE(unread, nullptr);
    safety_state a;
    safety_state b;
    std::vector<bot_message> out_read;
    std::vector<bot_message> out_unread;
    (*read)->before_input(a, {gate_input::kind::choice, "safety.help_now"}, "en", out_read);
    unread->before_input(b, {gate_input::kind::choice, "safety.help_now"}, "en", out_unread);
    EXPECT_NE(out_unread.back().text.find("no one is reading this chat"), std::string::npos);
    EXPECT_EQ(out_read.back().text.find("no one is reading this chat"), std::string::npos);
    EXPECT_NE(out_read.back().text.find("may read this chat"), std::string::npos);
}

TEST(gate_options_test, uk_deployments_get_uk_numbers_only) {
    const auto gate = testing::shipped_gate("UK");
    ASSERT_NE(gate, nullptr);
    safety_state state;
    std::vector<bot_message> out;
    gate->before_input(state, {gate_input::kind::text, "i've taken an overdose"}, "en", out);
    const std::string& t = out.back().text;
    EXPECT_NE(t.find("999"), std::string::npos);
    EXPECT_NE(t.find("116 123"), std::string::npos);
    EXPECT_NE(t.find("SHOUT to 85258"), std::string::npos);
    EXPECT_EQ(t.find("988"), std::string::npos);
    EXPECT_EQ(t.find("911"), std::string::npos);
}

} // namespace
} // namespace heregoes::safety
