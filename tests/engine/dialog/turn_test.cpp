// Behaviour of the turn (engine/dialog/turn.hpp) on the basic fixture dialog: transitions,
// variants, conditions, templates, no-match escalation, global routes, capture, sub-dialogs,
// loop bounds, restart and forget, and the runtime's side of the safety gate contract.

#include "engine/dialog/dialog.hpp"
#include "engine/dialog/session_variables.hpp"
#include "engine/dialog/turn.hpp"
#include "tests/engine/dialog/fixture_path.hpp"
#include "tests/engine/dialog/scripted_gate.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

namespace heregoes::dialog {
namespace {

using testing::fixture;
using testing::scripted_gate;

std::shared_ptr<const dialog> basic_dialog() {
    static const std::shared_ptr<const dialog> d = [] {
        load_options options;
        options.deployment["practice_name"] = "Riverside Clinic";
        auto loaded = load_dialog(fixture("basic.json"), options);
        if (!loaded) {
            ADD_FAILURE() << loaded.error().to_string();
            return std::shared_ptr<const dialog>();
        }
        return *loaded;
    }();
    return d;
}

std::vector<std::string> ids(const turn_output& out) {
    std::vector<std::string> v;
    for (const bot_message& m : out.messages) {
        v.push_back(m.id);
    }
    return v;
}

std::vector<std::string> choice_ids(const turn_output& out) {
    std::vector<std::string> v;
    if (!out.messages.empty()) {
        for (const choice& c : out.messages.back().choices) {
            v.push_back(c.id);
        }
    }
    return v;
}

class turn_test : public ::testing::Test {
protected:
    void SetUp() override {
        d = basic_dialog();
        ASSERT_NE(d, nullptr);
        s = new_session(*d, "en", 7);
        ASSERT_EQ(run(input::kind::start), turn_status::ok);
    }

    turn_status run(enum input::kind kind, std::string_view value = {}) {
        return step(*d, gate, s, input{kind, value}, out);
    }
    turn_status choose(std::string_view id) { return run(input::kind::choice, id); }
    turn_status type(std::string_view text) { return run(input::kind::text, text); }
    std::string state() const { return d->state_id(s.state); }

    std::shared_ptr<const dialog> d;
    scripted_gate gate;
    session s;
    turn_output out;
};

TEST_F(turn_test, start_says_welcome_then_moves_on_to_the_menu_and_waits) {
    ASSERT_EQ(out.messages.size(), 3u);
    EXPECT_EQ(out.messages[0].id, "welcome.hello");
    EXPECT_EQ(out.messages[0].topic, topic::welcome);
    EXPECT_EQ(out.messages[2].id, "menu.prompt");
    EXPECT_EQ(out.messages[2].topic, topic::menu);
    EXPECT_EQ(state(), "menu");
    EXPECT_EQ(s.current, session::status::waiting);
}

TEST_F(turn_test, only_the_last_message_awaits_and_carries_the_choices) {
    EXPECT_FALSE(out.messages[0].await);
    EXPECT_TRUE(out.messages[0].choices.empty());
    EXPECT_TRUE(out.messages.back().await);
    EXPECT_EQ(
        choice_ids(out),
        (std::vector<std::string>{"expect", "name", "rehearse", "ok", "limited", "loop", "note"}));
    EXPECT_EQ(out.messages.back().choices[0].label, "What happens");
}

TEST_F(turn_test, seq_numbers_every_message_from_one_across_turns) {
    EXPECT_EQ(out.messages[0].seq, 1u);
    EXPECT_EQ(out.messages[2].seq, 3u);
    ASSERT_EQ(choose("expect"), turn_status::ok);
    EXPECT_EQ(out.messages[0].seq, 4u);
    EXPECT_EQ(s.seq, 4u);
}

TEST_F(turn_test, deployment_variables_are_filled_into_templates) {
    EXPECT_EQ(out.messages[0].text, "Hi, I'm the guide at Riverside Clinic.");
}

TEST_F(turn_test, explicit_typing_ms_is_kept_and_default_is_derived_from_length) {
    EXPECT_EQ(out.messages[2].typing_ms, 900u);
    // "Variant X." is 10 characters: 300 + 300 = 600, the lower clamp.
    EXPECT_EQ(out.messages[1].typing_ms, 600u);
    // "Hi, I'm the guide at Riverside Clinic." is 38 characters: 300 + 1140.
    EXPECT_EQ(out.messages[0].typing_ms, 1440u);
}

TEST_F(turn_test, a_choice_moves_to_its_target) {
    ASSERT_EQ(choose("expect"), turn_status::ok);
    EXPECT_EQ(ids(out), std::vector<std::string>{"expect.intro"});
    EXPECT_EQ(out.messages[0].topic, topic::expect);
    EXPECT_EQ(choice_ids(out), std::vector<std::string>{"back"});
    EXPECT_EQ(state(), "expect");
}

TEST_F(turn_test, an_unknown_choice_changes_nothing) {
    const session before = s;
    EXPECT_EQ(choose("nonexistent"), turn_status::unknown_choice);
    EXPECT_EQ(s, before);
    EXPECT_TRUE(out.messages.empty());
    EXPECT_TRUE(gate.seen.empty());
}

TEST_F(turn_test, text_before_start_is_not_started_and_changes_nothing) {
    session fresh = new_session(*d, "en", 1);
    const session before = fresh;
    EXPECT_EQ(step(*d, gate, fresh, input{input::kind::text, "hello"}, out),
              turn_status::not_started);
    EXPECT_EQ(step(*d, gate, fresh, input{input::kind::choice, "expect"}, out),
              turn_status::not_started);
    EXPECT_EQ(fresh, before);
}

TEST_F(turn_test, variants_are_deterministic_under_the_same_seed) {
    for (std::uint64_t seed = 0; seed < 20; ++seed) {
        session a = new_session(*d, "en", seed);
        session b = new_session(*d, "en", seed);
        turn_output oa;
        turn_output ob;
        step(*d, gate, a, input{input::kind::start, {}}, oa);
        step(*d, gate, b, input{input::kind::start, {}}, ob);
        EXPECT_EQ(oa.messages[1].id, ob.messages[1].id);
    }
}

TEST_F(turn_test, variants_differ_across_seeds) {
    std::set<std::string> picked;
    for (std::uint64_t seed = 0; seed < 30; ++seed) {
        session a = new_session(*d, "en", seed);
        turn_output o;
        step(*d, gate, a, input{input::kind::start, {}}, o);
        picked.insert(o.messages[1].id);
    }
    EXPECT_EQ(picked.size(), 3u);
}

TEST_F(turn_test, a_choice_condition_hides_it_and_a_say_condition_shows_a_message) {
    ASSERT_EQ(choose("ok"), turn_status::ok);
    EXPECT_EQ(ids(out), (std::vector<std::string>{"menu.prompt", "menu.mood_ok"}));
    const auto offered = choice_ids(out);
    EXPECT_EQ(std::count(offered.begin(), offered.end(), "ok"), 0);
    EXPECT_EQ(choose("ok"), turn_status::unknown_choice);
}

TEST_F(turn_test, capture_stores_the_text_cut_to_max_length_and_templates_use_it) {
    ASSERT_EQ(choose("name"), turn_status::ok);
    EXPECT_EQ(state(), "ask_name");
    ASSERT_EQ(type("  Bartholomew the Great  "), turn_status::ok);
    EXPECT_EQ(variable_value_of(*d, s, "name"), "Bartholome");
    EXPECT_EQ(out.messages[0].text, "Nice to meet you, Bartholome.");
    EXPECT_EQ(state(), "menu");
}

TEST_F(turn_test, capture_cuts_at_a_character_boundary) {
    ASSERT_EQ(choose("name"), turn_status::ok);
    ASSERT_EQ(type("ÁÉÍÓÚáéíóúñ"), turn_status::ok); // 11 two-byte characters, limit 10
    EXPECT_EQ(variable_value_of(*d, s, "name"), "ÁÉÍÓÚáéíóú");
}

TEST_F(turn_test, next_branches_follow_the_first_true_condition) {
    ASSERT_EQ(choose("name"), turn_status::ok);
    ASSERT_EQ(type("Ana"), turn_status::ok);
    EXPECT_EQ(ids(out), (std::vector<std::string>{"name.greet", "name.ana", "menu.prompt"}));
}

TEST_F(turn_test, capture_state_still_honours_always_routes) {
    ASSERT_EQ(choose("name"), turn_status::ok);
    ASSERT_EQ(type("please stop"), turn_status::ok);
    EXPECT_EQ(state(), "goodbye");
    EXPECT_TRUE(out.ended);
}

TEST_F(turn_test, capture_state_ignores_routes_not_marked_always) {
    ASSERT_EQ(choose("name"), turn_status::ok);
    ASSERT_EQ(type("help"), turn_status::ok);
    EXPECT_EQ(variable_value_of(*d, s, "name"), "help");
}

TEST_F(turn_test, state_intents_match_normalised_text) {
    ASSERT_EQ(type("What  HAPPENS\u00a0first?"), turn_status::ok);
    EXPECT_EQ(state(), "expect");
}

TEST_F(turn_test, global_routes_work_from_a_waiting_state) {
    ASSERT_EQ(choose("expect"), turn_status::ok);
    ASSERT_EQ(type("Are you a real person?"), turn_status::ok);
    EXPECT_EQ(state(), "about_bot");
    EXPECT_EQ(out.messages[0].flags, flag_disclosure);
    EXPECT_EQ(out.messages[0].topic, topic::about);
}

TEST_F(turn_test, no_match_reprompts_twice_then_takes_the_default_route) {
    ASSERT_EQ(type("blue cheese"), turn_status::ok);
    EXPECT_EQ(ids(out), std::vector<std::string>{"fallback.reprompt_1"});
    EXPECT_EQ(out.messages[0].topic, topic::menu);
    EXPECT_FALSE(choice_ids(out).empty()); // the buttons stay offered
    ASSERT_EQ(type("green cheese"), turn_status::ok);
    EXPECT_EQ(ids(out), std::vector<std::string>{"fallback.reprompt_2"});
    ASSERT_EQ(type("red cheese"), turn_status::ok);
    EXPECT_EQ(ids(out), std::vector<std::string>{"help.text"});
    EXPECT_EQ(state(), "help");
    EXPECT_EQ(s.no_match, 0);
}

TEST_F(turn_test, a_state_no_match_overrides_the_default) {
    ASSERT_EQ(choose("expect"), turn_status::ok);
    ASSERT_EQ(type("cheese"), turn_status::ok);
    EXPECT_EQ(ids(out), std::vector<std::string>{"expect.reprompt"});
    ASSERT_EQ(type("cheese"), turn_status::ok);
    EXPECT_EQ(state(), "menu");
}

TEST_F(turn_test, a_sub_dialog_call_returns_to_the_caller) {
    ASSERT_EQ(choose("rehearse"), turn_status::ok);
    EXPECT_EQ(ids(out), (std::vector<std::string>{"sub.start", "sub.in_call"}));
    EXPECT_EQ(s.call_stack.size(), 1u);
    ASSERT_EQ(choose("done"), turn_status::ok);
    EXPECT_EQ(ids(out), (std::vector<std::string>{"sub.after", "menu.prompt"}));
    EXPECT_TRUE(s.call_stack.empty());
}

TEST_F(turn_test, a_global_goto_clears_the_call_stack) {
    ASSERT_EQ(choose("rehearse"), turn_status::ok);
    ASSERT_EQ(type("help"), turn_status::ok);
    EXPECT_EQ(state(), "help");
    EXPECT_TRUE(s.call_stack.empty());
}

TEST_F(turn_test, max_visits_redirects_the_entry_after_the_last_allowed) {
    for (int i = 0; i < 2; ++i) {
        ASSERT_EQ(choose("limited"), turn_status::ok);
        EXPECT_EQ(state(), "limited");
        ASSERT_EQ(choose("back"), turn_status::ok);
    }
    ASSERT_EQ(choose("limited"), turn_status::ok);
    EXPECT_EQ(ids(out), (std::vector<std::string>{"limited.enough", "menu.prompt"}));
    EXPECT_EQ(state(), "menu");
}

TEST_F(turn_test, an_automatic_loop_is_cut_off_at_the_safe_fallback) {
    ASSERT_EQ(choose("loop"), turn_status::ok);
    EXPECT_EQ(state(), "help");
    EXPECT_EQ(s.current, session::status::waiting);
    EXPECT_EQ(out.messages.back().id, "help.text");
    EXPECT_TRUE(out.messages.back().await);
}

TEST_F(turn_test, restart_clears_variables_and_keeps_safety_memory_and_seq) {
    ASSERT_EQ(choose("ok"), turn_status::ok);
    s.safety.risk_seen = true;
    const std::uint32_t seq = s.seq;
    ASSERT_EQ(run(input::kind::restart), turn_status::ok);
    EXPECT_TRUE(s.vars.empty());
    EXPECT_TRUE(s.safety.risk_seen);
    EXPECT_EQ(out.messages[0].id, "welcome.hello");
    EXPECT_EQ(out.messages[0].seq, seq + 1);
}

TEST_F(turn_test, the_restart_route_starts_over) {
    ASSERT_EQ(choose("expect"), turn_status::ok);
    ASSERT_EQ(type("can we start over"), turn_status::ok);
    EXPECT_EQ(out.messages[0].id, "welcome.hello");
    EXPECT_EQ(state(), "menu");
}

TEST_F(turn_test, the_forget_route_asks_to_erase_and_clears_variables) {
    ASSERT_EQ(choose("name"), turn_status::ok);
    ASSERT_EQ(type("Sam"), turn_status::ok);
    ASSERT_FALSE(s.vars.empty());
    ASSERT_EQ(type("please delete my data"), turn_status::ok);
    EXPECT_TRUE(out.forget_requested);
    EXPECT_TRUE(s.vars.empty());
}

TEST_F(turn_test, an_ended_dialog_starts_again_on_the_next_text) {
    ASSERT_EQ(type("stop"), turn_status::ok);
    EXPECT_EQ(s.current, session::status::ended);
    EXPECT_TRUE(out.ended);
    ASSERT_EQ(type("hello again"), turn_status::ok);
    EXPECT_EQ(out.messages[0].id, "welcome.hello");
    EXPECT_EQ(s.current, session::status::waiting);
}

TEST_F(turn_test, topics_seen_marks_every_topic_entered) {
    const auto bit = [](topic t) {
        return 1u << static_cast<unsigned>(t);
    };
    EXPECT_EQ(s.topics_seen, bit(topic::welcome) | bit(topic::menu));
    ASSERT_EQ(choose("expect"), turn_status::ok);
    EXPECT_NE(s.topics_seen & bit(topic::expect), 0u);
}

TEST_F(turn_test, entered_lists_the_states_of_the_turn) {
    ASSERT_EQ(out.entered.size(), 2u);
    EXPECT_EQ(d->state_id(out.entered[0]), "welcome");
    EXPECT_EQ(d->state_id(out.entered[1]), "menu");
}

TEST_F(turn_test, every_input_goes_to_the_gate_first) {
    ASSERT_EQ(type("hello"), turn_status::ok);
    ASSERT_EQ(choose("expect"), turn_status::ok);
    EXPECT_EQ(gate.seen, (std::vector<std::string>{"text:hello", "choice:expect"}));
}

TEST_F(turn_test, when_the_gate_takes_over_the_dialog_does_not_see_the_input) {
    gate.script.push_back(safety::gate_result::took_over);
    ASSERT_EQ(type("what happens"), turn_status::ok);
    EXPECT_EQ(ids(out), std::vector<std::string>{"safety.check"});
    EXPECT_TRUE(out.messages[0].await);
    EXPECT_EQ(out.messages[0].seq, s.seq);
    EXPECT_EQ(state(), "menu");
    EXPECT_EQ(s.safety.current, safety::safety_state::mode::paused);
}

TEST_F(turn_test, resume_presents_the_current_state_again) {
    gate.script.push_back(safety::gate_result::took_over);
    ASSERT_EQ(type("anything"), turn_status::ok);
    gate.script.push_back(safety::gate_result::resume);
    ASSERT_EQ(choose("safety.back"), turn_status::ok);
    EXPECT_EQ(ids(out), std::vector<std::string>{"menu.prompt"});
    EXPECT_FALSE(choice_ids(out).empty());
}

TEST_F(turn_test, a_safety_choice_the_gate_does_not_handle_is_unknown_and_changes_nothing) {
    const session before = s;
    EXPECT_EQ(choose("safety.unknown"), turn_status::unknown_choice);
    EXPECT_EQ(s, before);
    EXPECT_EQ(gate.seen, std::vector<std::string>{"choice:safety.unknown"});
}

TEST_F(turn_test, pass_with_note_appends_the_note_with_the_answer_topic) {
    gate.script.push_back(safety::gate_result::pass_with_note);
    ASSERT_EQ(choose("expect"), turn_status::ok);
    EXPECT_EQ(ids(out), (std::vector<std::string>{"expect.intro", "safety.note"}));
    EXPECT_EQ(out.messages[1].topic, topic::expect);
    EXPECT_TRUE(out.messages[1].await);
    EXPECT_EQ(choice_ids(out), std::vector<std::string>{"back"});
}

TEST_F(turn_test, a_help_note_say_item_asks_the_gate_and_keeps_the_state_topic) {
    ASSERT_EQ(choose("note"), turn_status::ok);
    EXPECT_EQ(ids(out), (std::vector<std::string>{"noted.text", "safety.note"}));
    EXPECT_EQ(out.messages[1].topic, topic::confidentiality);
    EXPECT_EQ(gate.notes, 1);
}

TEST_F(turn_test, a_help_note_item_and_pass_with_note_say_the_help_line_once) {
    gate.script.push_back(safety::gate_result::pass_with_note);
    ASSERT_EQ(choose("note"), turn_status::ok);
    EXPECT_EQ(ids(out), (std::vector<std::string>{"noted.text", "safety.note"}));
    EXPECT_EQ(gate.notes, 1);
}

TEST_F(turn_test, a_side_question_the_gate_answers_offers_the_current_choices_again) {
    const std::vector<std::string> menu_choices = choice_ids(out);
    gate.script.push_back(safety::gate_result::answered);
    ASSERT_EQ(type("are you a bot?"), turn_status::ok);
    EXPECT_EQ(ids(out), std::vector<std::string>{"safety.disclosure"});
    EXPECT_TRUE(out.messages.back().await);
    EXPECT_EQ(out.messages.back().seq, s.seq);
    EXPECT_EQ(choice_ids(out), menu_choices);
    EXPECT_TRUE(out.entered.empty());
}

TEST_F(turn_test, a_side_question_the_gate_answers_leaves_the_session_where_it_was) {
    ASSERT_EQ(type("zzz nothing matches this"), turn_status::ok); // first no-match reprompt
    const session before = s;
    gate.script.push_back(safety::gate_result::answered);
    ASSERT_EQ(type("are you a bot?"), turn_status::ok);
    EXPECT_EQ(s.state, before.state);
    EXPECT_EQ(s.no_match, before.no_match);
    EXPECT_EQ(s.vars, before.vars);
    EXPECT_EQ(s.current, session::status::waiting);
}

TEST_F(turn_test, a_side_question_answer_hides_choices_whose_condition_is_false) {
    ASSERT_EQ(choose("ok"), turn_status::ok); // sets mood=ok, which hides the "ok" choice
    gate.script.push_back(safety::gate_result::answered);
    ASSERT_EQ(type("are you a bot?"), turn_status::ok);
    EXPECT_EQ(choice_ids(out),
              (std::vector<std::string>{"expect", "name", "rehearse", "limited", "loop", "note"}));
}

TEST_F(turn_test, the_spanish_locale_renders_spanish_strings_and_matches_spanish_intents) {
    session es = new_session(*d, "es", 7);
    step(*d, gate, es, input{input::kind::start, {}}, out);
    EXPECT_EQ(out.messages[0].text, "Hola, soy la guía de Riverside Clinic.");
    step(*d, gate, es, input{input::kind::text, "¿QUÉ PASA en la primera sesión?"}, out);
    EXPECT_EQ(d->state_id(es.state), "expect");
}

TEST_F(turn_test, start_at_begins_at_a_named_state) {
    session t = new_session(*d, "en", 1);
    ASSERT_EQ(start_at(*d, gate, t, *d->find_state("expect"), out), turn_status::ok);
    EXPECT_EQ(ids(out), std::vector<std::string>{"expect.intro"});
    EXPECT_EQ(t.current, session::status::waiting);
}

TEST_F(turn_test, turn_value_form_matches_step) {
    const turn_result r = turn(*d, gate, s, input{input::kind::choice, "expect"});
    EXPECT_EQ(r.status, turn_status::ok);
    EXPECT_EQ(d->state_id(r.next.state), "expect");
    EXPECT_EQ(r.output.messages[0].id, "expect.intro");
}

TEST_F(turn_test, a_session_with_out_of_range_indexes_is_fitted_not_followed) {
    s.state = 60000;
    s.call_stack = {59999};
    s.vars.push_back(variable_value{200, "x"});
    ASSERT_EQ(type("help"), turn_status::ok);
    EXPECT_EQ(state(), "help");
    EXPECT_TRUE(s.vars.empty());
}

} // namespace
} // namespace heregoes::dialog
