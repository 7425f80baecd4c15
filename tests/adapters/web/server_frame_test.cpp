// Tests for encoding protocol v1 server frames: field order, escaping, and that every frame is
// valid JSON with the documented fields.

#include "adapters/web/server_frame.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <string>
#include <utility>

namespace heregoes::web {
namespace {

TEST(server_frame, session_frame_has_every_field) {
    std::string out;
    append_session_frame(out, {"tok", true, "first-session", 3, "en"});
    EXPECT_EQ(
        out,
        R"({"type":"session","token":"tok","resumed":true,"dialog":"first-session","version":3,"locale":"en"})");
}

TEST(server_frame, bot_frame_matches_the_protocol) {
    bot_message m;
    m.id = "expect.intro";
    m.topic = topic::expect;
    m.text = "Hi";
    m.choices = {{"a", "A"}, {"b", "B"}};
    m.typing_ms = 900;
    m.await = true;
    m.flags = flag_help_note;
    m.seq = 7;
    std::string out;
    append_bot_frame(out, m);
    EXPECT_EQ(
        out,
        R"({"type":"bot","seq":7,"topic":"expect","id":"expect.intro","text":"Hi","choices":[{"id":"a","label":"A"},{"id":"b","label":"B"}],"typing_ms":900,"await":true,"flags":["help_note"]})");
}

TEST(server_frame, crisis_flag_is_listed) {
    bot_message m;
    m.topic = topic::crisis;
    m.flags = flag_crisis;
    std::string out;
    append_bot_frame(out, m);
    auto j = nlohmann::json::parse(out);
    EXPECT_EQ(j["topic"], "crisis");
    EXPECT_EQ(j["flags"], nlohmann::json::array({"crisis"}));
    EXPECT_EQ(j["choices"], nlohmann::json::array());
}

TEST(server_frame, strings_are_escaped_to_valid_json) {
    bot_message m;
    m.text = "quote \" backslash \\ newline \n tab \t bell \x07 \xe2\x80\xa6";
    std::string out;
    append_bot_frame(out, m);
    auto j = nlohmann::json::parse(out);
    EXPECT_EQ(j["text"], m.text);
}

TEST(server_frame, every_ascii_character_round_trips_through_a_json_string) {
    std::string ascii;
    for (int c = 1; c < 128; ++c) {
        ascii.push_back(static_cast<char>(c));
    }
    // Escapes at the start, at the end and side by side, around plain runs.
    for (const std::string& text : {ascii,
                                    std::string("\"\\\n"),
                                    std::string("plain"),
                                    std::string("a\x01b\"c\x1f"),
                                    std::string()}) {
        std::string out;
        append_json_string(out, text);
        auto parsed = nlohmann::json::parse(out, nullptr, false);
        ASSERT_FALSE(parsed.is_discarded()) << out;
        EXPECT_EQ(parsed.get<std::string>(), text);
    }
}

// The encoder tests eight bytes at a time; an escape must be found at any offset in a word, in a
// short tail, and next to bytes of UTF-8 sequences, whose high bits could fool a careless test.
TEST(server_frame, escapes_are_found_at_every_offset_of_a_word) {
    const std::string filler = "ab\xc3\xa9\xe2\x80\xa6z~\x7f";
    const std::pair<char, std::string> specials[] = {
        {'"', "\\\""}, {'\\', "\\\\"}, {'\n', "\\n"}, {'\0', "\\u0000"}, {'\x1f', "\\u001f"}};
    for (const auto& [special, escaped] : specials) {
        for (std::size_t length = 1; length <= 24; ++length) {
            for (std::size_t at = 0; at < length; ++at) {
                std::string text;
                for (std::size_t i = 0; i < length; ++i) {
                    text.push_back(filler[i % filler.size()]);
                }
                text[at] = special;
                std::string out;
                append_json_string(out, text);
                const std::string expected =
                    '"' + text.substr(0, at) + escaped + text.substr(at + 1) + '"';
                EXPECT_EQ(out, expected) << "length " << length << " at " << at;
            }
        }
    }
}

TEST(server_frame, error_and_forgotten_frames) {
    std::string out;
    append_error_frame(out, protocol_error::rate_limited, "slow down");
    EXPECT_EQ(out, R"({"type":"error","code":"rate_limited","message":"slow down"})");
    out.clear();
    append_forgotten_frame(out);
    EXPECT_EQ(out, R"({"type":"forgotten"})");
}

TEST(protocol_error, every_code_round_trips_by_name) {
    for (std::size_t i = 0; i < protocol_error_count; ++i) {
        const auto code = static_cast<protocol_error>(i);
        EXPECT_EQ(protocol_error_from_string(to_string(code)), code);
        EXPECT_FALSE(default_message(code).empty());
    }
    EXPECT_FALSE(protocol_error_from_string("nope").has_value());
}

} // namespace
} // namespace heregoes::web
