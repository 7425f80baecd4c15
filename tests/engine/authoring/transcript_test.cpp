// The transcript parser: directives, comments, and errors that name file:line:column.

#include "engine/authoring/transcript.hpp"

#include <gtest/gtest.h>

namespace heregoes::authoring {
namespace {

TEST(transcript_parser, reads_header_and_steps) {
    const auto t = parse_transcript("# a comment\n"
                                    "dialog first-session\n"
                                    "locale es\n"
                                    "seed 7   # trailing comment\n"
                                    "start menu\n"
                                    "set hardest=trust me\n"
                                    "deploy practice_name=Riverside Clinic\n"
                                    "bot welcome.hello @welcome\n"
                                    "choices a b\n"
                                    "choose a\n"
                                    "say will my therapist tell my parents?\n"
                                    "restart\n",
                                    "x.transcript");
    ASSERT_TRUE(t) << t.error().to_string();
    EXPECT_EQ(t->dialog_id, "first-session");
    EXPECT_EQ(t->locale, "es");
    EXPECT_EQ(t->seed, 7u);
    EXPECT_EQ(t->start_state, "menu");
    ASSERT_EQ(t->preset.size(), 1u);
    EXPECT_EQ(t->preset[0].name, "hardest");
    EXPECT_EQ(t->preset[0].value, "trust me");
    ASSERT_EQ(t->deployment.size(), 1u);
    EXPECT_EQ(t->deployment[0].value, "Riverside Clinic");
    ASSERT_EQ(t->steps.size(), 5u);
    EXPECT_EQ(t->steps[0].value, "welcome.hello");
    EXPECT_EQ(t->steps[0].topic, topic::welcome);
    EXPECT_EQ(t->steps[0].line, 8u);
    EXPECT_EQ(t->steps[1].ids, (std::vector<std::string>{"a", "b"}));
    EXPECT_EQ(t->steps[3].value, "will my therapist tell my parents?");
    EXPECT_EQ(t->steps[4].kind, transcript_step::kind::restart);
}

TEST(transcript_parser, escaped_hash_is_kept_in_typed_text) {
    const auto t = parse_transcript("dialog d\nsay I'm \\#1 nervous # comment\n", "x.transcript");
    ASSERT_TRUE(t) << t.error().to_string();
    EXPECT_EQ(t->steps[0].value, "I'm #1 nervous");
}

TEST(transcript_parser, unknown_directive_names_line_and_column) {
    const auto t = parse_transcript("dialog d\n  shout hello\n", "x.transcript");
    ASSERT_FALSE(t);
    EXPECT_EQ(t.error().where, "x.transcript:2:3");
    EXPECT_NE(t.error().message.find("shout"), std::string::npos);
}

TEST(transcript_parser, topic_outside_vocabulary_is_an_error) {
    const auto t = parse_transcript("dialog d\nbot a.b @smalltalk\n", "x.transcript");
    ASSERT_FALSE(t);
    EXPECT_EQ(t.error().where, "x.transcript:2:10"); // at the topic name, after the @
}

TEST(transcript_parser, header_line_after_a_step_is_an_error) {
    const auto t = parse_transcript("dialog d\nbot a.b\nseed 3\n", "x.transcript");
    ASSERT_FALSE(t);
    EXPECT_EQ(t.error().where, "x.transcript:3:1");
}

TEST(transcript_parser, missing_dialog_line_is_an_error) {
    const auto t = parse_transcript("bot a.b\n", "x.transcript");
    ASSERT_FALSE(t);
    EXPECT_NE(t.error().message.find("dialog"), std::string::npos);
}

TEST(transcript_parser, bad_seed_is_an_error) {
    const auto t = parse_transcript("dialog d\nseed seven\n", "x.transcript");
    ASSERT_FALSE(t);
    EXPECT_EQ(t.error().where, "x.transcript:2:6");
}

TEST(transcript_parser, missing_file_is_an_error_value) {
    const auto t = load_transcript("/nonexistent/dir/x.transcript");
    ASSERT_FALSE(t);
    EXPECT_EQ(t.error().code, "file_missing");
}

} // namespace
} // namespace heregoes::authoring
