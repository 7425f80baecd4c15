// Tests for parsing protocol v1 client frames: every frame type, every rejection with its code.

#include "adapters/web/client_frame.hpp"

#include <gtest/gtest.h>

#include <string>

namespace heregoes::web {
namespace {

const frame_limits limits{};

client_frame parse_ok(std::string_view payload) {
    auto parsed = parse_client_frame(payload, limits);
    EXPECT_TRUE(parsed.frame.has_value()) << parsed.error.message;
    return parsed.frame.value_or(client_frame{});
}

protocol_error parse_error(std::string_view payload, const frame_limits& l = limits) {
    auto parsed = parse_client_frame(payload, l);
    EXPECT_FALSE(parsed.frame.has_value());
    return parsed.error.code;
}

TEST(client_frame, start_with_dialog_and_locale) {
    auto f = parse_ok(R"({"type":"start","dialog":"first-session","locale":"es"})");
    EXPECT_EQ(f.kind, client_frame::kind::start);
    EXPECT_EQ(f.dialog, "first-session");
    EXPECT_EQ(f.locale, "es");
    EXPECT_FALSE(f.token.has_value());
}

TEST(client_frame, start_without_fields_uses_defaults) {
    auto f = parse_ok(R"({"type":"start"})");
    EXPECT_TRUE(f.dialog.empty());
    EXPECT_TRUE(f.locale.empty());
    EXPECT_EQ(f.last_seq, 0u);
}

TEST(client_frame, resume_carries_token_and_last_seq) {
    auto f = parse_ok(R"({"type":"start","token":"abc","last_seq":41})");
    ASSERT_TRUE(f.token.has_value());
    EXPECT_EQ(*f.token, "abc");
    EXPECT_EQ(f.last_seq, 41u);
}

TEST(client_frame, text_choice_restart_forget) {
    EXPECT_EQ(parse_ok(R"({"type":"text","text":"hello"})").value, "hello");
    auto c = parse_ok(R"({"type":"choice","id":"menu.expect"})");
    EXPECT_EQ(c.kind, client_frame::kind::choice);
    EXPECT_EQ(c.value, "menu.expect");
    EXPECT_EQ(parse_ok(R"({"type":"restart"})").kind, client_frame::kind::restart);
    EXPECT_EQ(parse_ok(R"({"type":"forget"})").kind, client_frame::kind::forget);
}

TEST(client_frame, non_json_is_bad_json) {
    EXPECT_EQ(parse_error("hello"), protocol_error::bad_json);
    EXPECT_EQ(parse_error(R"({"type":"text")"), protocol_error::bad_json);
    EXPECT_EQ(parse_error(""), protocol_error::bad_json);
}

TEST(client_frame, json_that_is_not_an_object_is_bad_json) {
    EXPECT_EQ(parse_error("[1,2]"), protocol_error::bad_json);
    EXPECT_EQ(parse_error("\"start\""), protocol_error::bad_json);
}

TEST(client_frame, invalid_utf8_is_bad_json) {
    EXPECT_EQ(parse_error("{\"type\":\"text\",\"text\":\"\xff\xfe\"}"), protocol_error::bad_json);
}

TEST(client_frame, missing_or_unknown_type) {
    EXPECT_EQ(parse_error(R"({"text":"hi"})"), protocol_error::unknown_type);
    EXPECT_EQ(parse_error(R"({"type":"shout"})"), protocol_error::unknown_type);
    EXPECT_EQ(parse_error(R"({"type":7})"), protocol_error::unknown_type);
}

TEST(client_frame, missing_or_mistyped_fields) {
    EXPECT_EQ(parse_error(R"({"type":"text"})"), protocol_error::missing_field);
    EXPECT_EQ(parse_error(R"({"type":"text","text":5})"), protocol_error::missing_field);
    EXPECT_EQ(parse_error(R"({"type":"choice"})"), protocol_error::missing_field);
    EXPECT_EQ(parse_error(R"({"type":"start","token":1})"), protocol_error::missing_field);
    EXPECT_EQ(parse_error(R"({"type":"start","token":"t","last_seq":-1})"),
              protocol_error::missing_field);
    EXPECT_EQ(parse_error(R"({"type":"start","token":"t","last_seq":1.5})"),
              protocol_error::missing_field);
    EXPECT_EQ(parse_error(R"({"type":"start","token":"t","last_seq":4294967296})"),
              protocol_error::missing_field);
}

TEST(client_frame, bytes_after_the_object_are_bad_json) {
    EXPECT_EQ(parse_error(R"({"type":"restart"} {"type":"forget"})"), protocol_error::bad_json);
    EXPECT_EQ(parse_error(R"({"type":"restart"}x)"), protocol_error::bad_json);
}

TEST(client_frame, a_repeated_member_keeps_its_last_value) {
    auto f = parse_ok(R"({"type":"text","text":"first","type":"choice","id":"a","text":5})");
    EXPECT_EQ(f.kind, client_frame::kind::choice);
    EXPECT_EQ(f.value, "a");
    EXPECT_EQ(parse_error(R"({"type":"text","text":"ok","text":null})"),
              protocol_error::missing_field);
}

TEST(client_frame, members_nested_inside_other_values_are_not_read) {
    auto f = parse_ok(R"({"extra":{"type":"choice","id":"x"},"type":"text","list":[{"text":1}],)"
                      R"("text":"hello"})");
    EXPECT_EQ(f.kind, client_frame::kind::text);
    EXPECT_EQ(f.value, "hello");
    EXPECT_EQ(parse_error(R"({"nested":{"type":"restart"}})"), protocol_error::unknown_type);
}

TEST(client_frame, an_object_or_array_where_a_string_belongs_is_mistyped) {
    EXPECT_EQ(parse_error(R"({"type":"text","text":{"text":"hi"}})"),
              protocol_error::missing_field);
    EXPECT_EQ(parse_error(R"({"type":"choice","id":["a"]})"), protocol_error::missing_field);
    EXPECT_EQ(parse_error(R"({"type":["start"]})"), protocol_error::unknown_type);
}

TEST(client_frame, last_seq_written_with_a_minus_sign_is_refused_even_as_zero) {
    EXPECT_EQ(parse_error(R"({"type":"start","token":"t","last_seq":-0})"),
              protocol_error::missing_field);
    EXPECT_EQ(parse_ok(R"({"type":"start","token":"t","last_seq":0})").last_seq, 0u);
}

TEST(client_frame, frame_over_the_limit_is_too_large) {
    frame_limits small;
    small.max_frame_bytes = 16;
    EXPECT_EQ(parse_error(R"({"type":"text","text":"hello there"})", small),
              protocol_error::too_large);
}

TEST(client_frame, text_over_the_character_limit_is_too_large) {
    frame_limits small;
    small.max_text_chars = 3;
    EXPECT_TRUE(parse_client_frame(R"({"type":"text","text":"äöü"})", small).frame.has_value());
    EXPECT_EQ(parse_error(R"({"type":"text","text":"abcd"})", small), protocol_error::too_large);
}

TEST(client_frame, long_ids_are_too_large) {
    const std::string id(max_id_bytes + 1, 'a');
    EXPECT_EQ(parse_error(R"({"type":"choice","id":")" + id + "\"}"), protocol_error::too_large);
    EXPECT_EQ(parse_error(R"({"type":"start","dialog":")" + id + "\"}"), protocol_error::too_large);
}

TEST(client_frame, error_messages_never_repeat_the_input) {
    const std::string marker = "zq-marker-7731";
    for (const std::string& payload : {"{\"type\":\"" + marker + "\"}",
                                       marker,
                                       "{\"type\":\"text\",\"text\":7,\"" + marker + "\":1}"}) {
        auto parsed = parse_client_frame(payload, limits);
        ASSERT_FALSE(parsed.frame.has_value());
        EXPECT_EQ(parsed.error.message.find(marker), std::string::npos);
    }
}

TEST(client_frame, code_points_not_bytes) {
    EXPECT_EQ(count_code_points("abc"), 3u);
    EXPECT_EQ(count_code_points("\xc3\xa4\xe2\x82\xac"), 2u);
    EXPECT_EQ(count_code_points(""), 0u);
}

} // namespace
} // namespace heregoes::web
