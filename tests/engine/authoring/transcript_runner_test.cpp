// The transcript runner: passing runs, precise failure messages, starting at a named state with
// preset variables, and the coverage it counts. Runs on tests/engine/authoring/dialogs/practice
// through a scripted safety gate.

#include "engine/authoring/transcript_runner.hpp"
#include "engine/dialog/dialog.hpp"
#include "tests/engine/authoring/scripted_gate.hpp"

#include <gtest/gtest.h>

#include <filesystem>

namespace heregoes::authoring {
namespace {

const std::filesystem::path dialogs_dir = HEREGOES_AUTHORING_DIALOGS;

class transcript_runner_test : public ::testing::Test {
protected:
    void SetUp() override {
        auto d = dialog::load_dialog(dialogs_dir / "practice.json", dialog::load_options{});
        ASSERT_TRUE(d) << d.error().to_string();
        set_ = dialog::dialog_set::from({*d});
    }

    std::optional<transcript_failure> run(transcript_runner& runner, const std::string& text) {
        auto t = parse_transcript(text, "t.transcript");
        EXPECT_TRUE(t) << t.error().to_string();
        return runner.run(*t);
    }

    std::shared_ptr<const dialog::dialog_set> set_;
    testing::scripted_gate gate_;
};

// Walks welcome -> menu -> rehearsal (call, capture, return) -> menu -> goodbye.
constexpr const char* full_walk_steps = "bot welcome.hello @welcome\n"
                                        "bot welcome.disclosure\n"
                                        "bot menu.pick @menu\n"
                                        "choices rehearse bye\n"
                                        "choose rehearse\n"
                                        "bot rehearsal.picked @rehearsal\n"
                                        "bot rehearsal.type\n"
                                        "say Talking about this is hard\n"
                                        "bot rehearsal.echo\n"
                                        "bot menu.pick @menu\n"
                                        "choose bye\n"
                                        "bot closing.bye @closing\n";
const std::string full_walk = std::string("dialog practice\n") + full_walk_steps;

TEST_F(transcript_runner_test, matching_transcript_passes) {
    transcript_runner runner(set_, gate_);
    const auto failure = run(runner, full_walk);
    EXPECT_FALSE(failure) << failure->to_string();
}

TEST_F(transcript_runner_test, wrong_message_names_line_expected_and_got) {
    transcript_runner runner(set_, gate_);
    const auto failure = run(runner,
                             "dialog practice\n"
                             "bot welcome.hello @welcome\n"
                             "bot menu.pick @menu\n");
    ASSERT_TRUE(failure);
    EXPECT_EQ(failure->to_string(),
              "t.transcript:3: expected `bot menu.pick @menu`, got `bot welcome.disclosure "
              "@welcome`");
}

TEST_F(transcript_runner_test, wrong_topic_is_a_mismatch) {
    transcript_runner runner(set_, gate_);
    const auto failure = run(runner, "dialog practice\nbot welcome.hello @menu\n");
    ASSERT_TRUE(failure);
    EXPECT_EQ(failure->where, "t.transcript:2");
}

TEST_F(transcript_runner_test, unmatched_messages_before_an_input_fail) {
    transcript_runner runner(set_, gate_);
    const auto failure = run(runner, "dialog practice\nbot welcome.hello\nchoose bye\n");
    ASSERT_TRUE(failure);
    EXPECT_EQ(failure->where, "t.transcript:3");
    EXPECT_NE(failure->message.find("welcome.disclosure"), std::string::npos) << failure->message;
}

TEST_F(transcript_runner_test, unmatched_messages_at_the_end_fail) {
    transcript_runner runner(set_, gate_);
    const auto failure = run(runner, "dialog practice\nbot welcome.hello\n");
    ASSERT_TRUE(failure);
    EXPECT_NE(failure->message.find("menu.pick"), std::string::npos) << failure->message;
}

TEST_F(transcript_runner_test, choice_not_offered_fails_with_the_offered_ids) {
    transcript_runner runner(set_, gate_);
    const auto failure = run(runner,
                             "dialog practice\n"
                             "bot welcome.hello\nbot welcome.disclosure\nbot menu.pick\n"
                             "choose expect\n");
    ASSERT_TRUE(failure);
    EXPECT_EQ(failure->to_string(),
              "t.transcript:5: choice `expect` is not offered here (offered: rehearse bye)");
}

TEST_F(transcript_runner_test, wrong_choices_list_fails) {
    transcript_runner runner(set_, gate_);
    const auto failure = run(runner,
                             "dialog practice\n"
                             "bot welcome.hello\nbot welcome.disclosure\nbot menu.pick\n"
                             "choices bye rehearse\n");
    ASSERT_TRUE(failure);
    EXPECT_EQ(failure->message, "expected choices bye rehearse, got rehearse bye (on menu.pick)");
}

TEST_F(transcript_runner_test, starts_at_a_named_state) {
    transcript_runner runner(set_, gate_);
    const auto failure = run(runner,
                             "dialog practice\n"
                             "start rehearsal_start\n"
                             "bot rehearsal.type @rehearsal\n");
    EXPECT_FALSE(failure) << failure->to_string();
}

// rehearsal.picked is said only when picked == 'yes'; the intent route does not set it, so only
// the preset can make it appear.
TEST_F(transcript_runner_test, preset_variables_hold_after_starting_at_a_state) {
    transcript_runner runner(set_, gate_);
    const char* walk = "bot menu.pick @menu\n"
                       "say let me practise\n"
                       "bot rehearsal.picked @rehearsal\n"
                       "bot rehearsal.type\n";
    const auto with_preset =
        run(runner, std::string("dialog practice\nstart menu\nset picked=yes\n") + walk);
    EXPECT_FALSE(with_preset) << with_preset->to_string();
    const auto without = run(runner, std::string("dialog practice\nstart menu\n") + walk);
    ASSERT_TRUE(without);
    EXPECT_EQ(without->where, "t.transcript:5");
}

TEST_F(transcript_runner_test, preset_of_an_undeclared_variable_fails_on_its_line) {
    transcript_runner runner(set_, gate_);
    const auto failure = run(runner, "dialog practice\nset nope=1\nbot welcome.hello\n");
    ASSERT_TRUE(failure);
    EXPECT_EQ(failure->where, "t.transcript:2");
}

TEST_F(transcript_runner_test, deploy_sets_a_deployment_variable_for_the_run) {
    transcript_runner runner(set_, gate_);
    const auto failure = run(
        runner, std::string("dialog practice\ndeploy practice_name=Riverside\n") + full_walk_steps);
    EXPECT_FALSE(failure) << failure->to_string();
}

TEST_F(transcript_runner_test, deploy_of_a_session_variable_fails_on_its_line) {
    transcript_runner runner(set_, gate_);
    const auto failure = run(runner, "dialog practice\nseed 2\ndeploy picked=yes\n");
    ASSERT_TRUE(failure);
    EXPECT_EQ(failure->where, "t.transcript:3");
}

TEST_F(transcript_runner_test, unknown_start_state_fails_on_its_line) {
    transcript_runner runner(set_, gate_);
    const auto failure = run(runner, "dialog practice\nstart nowhere\n");
    ASSERT_TRUE(failure);
    EXPECT_EQ(failure->where, "t.transcript:2");
}

TEST_F(transcript_runner_test, unknown_dialog_fails_on_its_line) {
    transcript_runner runner(set_, gate_);
    const auto failure = run(runner, "# header\ndialog nope\n");
    ASSERT_TRUE(failure);
    EXPECT_EQ(failure->where, "t.transcript:2");
}

TEST_F(transcript_runner_test, inputs_go_through_the_safety_gate) {
    transcript_runner runner(set_, gate_);
    const auto failure = run(runner,
                             "dialog practice\n"
                             "bot welcome.hello\nbot welcome.disclosure\nbot menu.pick\n"
                             "say crisis words\n"
                             "bot safety.crisis @crisis\n");
    EXPECT_FALSE(failure) << failure->to_string();
}

TEST_F(transcript_runner_test, coverage_counts_states_transitions_and_strings) {
    transcript_runner runner(set_, gate_);
    ASSERT_FALSE(run(runner, full_walk));
    const auto rows = runner.coverage();
    ASSERT_EQ(rows.size(), 2u); // en, and es with no transcripts
    const coverage_row& en = rows[0];
    EXPECT_EQ(en.locale, "en");
    EXPECT_EQ(en.transcripts, 1u);
    // 6 of 7 states: all but help.
    EXPECT_EQ(en.states.covered, 6u);
    EXPECT_EQ(en.states.total, 7u);
    EXPECT_EQ(en.uncovered_states, std::vector<std::string>{"help"});
    // 6 of 12 transitions: welcome next, menu choice rehearse and bye, the call and its return,
    // the capture. Not: the menu intent, help's next, two routes, the default no_match steps.
    EXPECT_EQ(en.transitions.covered, 6u);
    EXPECT_EQ(en.transitions.total, 12u);
    // 9 of 11 strings (choice labels count when shown): not help.text or fallback.reprompt.
    EXPECT_EQ(en.strings.covered, 9u);
    EXPECT_EQ(en.strings.total, 11u);
    EXPECT_EQ(rows[1].locale, "es");
    EXPECT_EQ(rows[1].states.covered, 0u);
}

TEST_F(transcript_runner_test, coverage_counts_intents_routes_and_no_match_steps) {
    transcript_runner runner(set_, gate_);
    const auto failure = run(runner,
                             "dialog practice\n"
                             "bot welcome.hello\nbot welcome.disclosure\nbot menu.pick\n"
                             "say blah\n"
                             "bot fallback.reprompt @menu\n"
                             "say blah blah\n"
                             "bot menu.pick @menu\n"
                             "say I need help\n"
                             "bot help.text @fallback\n"
                             "bot safety.note @fallback\n"
                             "bot menu.pick @menu\n"
                             "say let me practise\n"
                             "bot rehearsal.type @rehearsal\n"
                             "say stop\n"
                             "bot closing.bye @closing\n");
    ASSERT_FALSE(failure) << failure->to_string();
    const auto rows = runner.coverage();
    const auto& missing = rows[0].uncovered_transitions;
    for (const char* covered : {"default no_match reprompt 1",
                                "default no_match goto",
                                "route help",
                                "help: next 1",
                                "menu: intent rehearse",
                                "route stop",
                                "rehearse_call: call"}) {
        EXPECT_EQ(std::count(missing.begin(), missing.end(), covered), 0) << covered;
    }
    EXPECT_EQ(std::count(missing.begin(), missing.end(), "rehearsal_start: capture"), 1);
}

} // namespace
} // namespace heregoes::authoring
