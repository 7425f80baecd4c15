// The session codec (engine/dialog/session_codec.hpp): round trips, size of a typical walk,
// refusal of newer formats and garbage.

#include "engine/dialog/dialog.hpp"
#include "engine/dialog/session_codec.hpp"
#include "engine/dialog/turn.hpp"
#include "tests/engine/dialog/fixture_path.hpp"
#include "tests/engine/dialog/scripted_gate.hpp"

#include <gtest/gtest.h>

namespace heregoes::dialog {
namespace {

session sample() {
    session s;
    s.dialog_id = "first-session";
    s.dialog_version = 3;
    s.locale = "es";
    s.current = session::status::waiting;
    s.state = 300;
    s.no_match = 2;
    s.call_stack = {4, 70000 % 65536};
    s.vars = {{0, "trust"}, {5, "Talking about this is hard and I'm scared"}};
    s.visits = {{12, 3}};
    s.topics_seen = 0x1FFF;
    s.seed = 0xDEADBEEFCAFEF00Dull;
    s.seq = 123456;
    s.safety.current = safety::safety_state::mode::paused;
    s.safety.risk_seen = true;
    s.safety.concern = 9;
    s.safety.turns_seen = 200;
    s.safety.recent = {1, 0x80000000u, 0, 7};
    return s;
}

TEST(session_codec, a_session_round_trips_exactly) {
    const session s = sample();
    const auto decoded = decode_session(encode_session(s));
    ASSERT_TRUE(decoded.has_value()) << decoded.error().message;
    EXPECT_EQ(*decoded, s);
}

TEST(session_codec, a_fresh_session_round_trips) {
    const session s;
    const auto decoded = decode_session(encode_session(s));
    ASSERT_TRUE(decoded.has_value());
    EXPECT_EQ(*decoded, s);
}

TEST(session_codec, a_typical_walk_encodes_in_at_most_256_bytes) {
    load_options options;
    auto d = load_dialog(testing::fixture("basic.json"), options);
    ASSERT_TRUE(d.has_value()) << d.error().to_string();
    testing::scripted_gate gate;
    session s = new_session(**d, "en", 0x1234567890ABCDEFull);
    turn_output out;
    step(**d, gate, s, {input::kind::start, {}}, out);
    step(**d, gate, s, {input::kind::choice, "name"}, out);
    step(**d, gate, s, {input::kind::text, "Sam"}, out);
    step(**d, gate, s, {input::kind::choice, "ok"}, out);
    step(**d, gate, s, {input::kind::choice, "limited"}, out);
    step(**d, gate, s, {input::kind::choice, "back"}, out);
    step(**d, gate, s, {input::kind::choice, "rehearse"}, out);
    const std::string bytes = encode_session(s);
    EXPECT_LE(bytes.size(), 256u);
    const auto decoded = decode_session(bytes);
    ASSERT_TRUE(decoded.has_value());
    EXPECT_EQ(*decoded, s);
}

TEST(session_codec, the_first_bytes_are_the_format_and_minimum_reader_versions) {
    const std::string bytes = encode_session(sample());
    EXPECT_EQ(static_cast<std::uint8_t>(bytes[0]), session_format_version);
    EXPECT_EQ(static_cast<std::uint8_t>(bytes[1]), session_min_reader_version);
}

TEST(session_codec, a_format_needing_a_newer_reader_is_refused_clearly) {
    std::string bytes = encode_session(sample());
    bytes[0] = static_cast<char>(session_format_version + 1);
    bytes[1] = static_cast<char>(session_format_version + 1);
    const auto decoded = decode_session(bytes);
    ASSERT_FALSE(decoded.has_value());
    EXPECT_EQ(decoded.error().code, "session_format");
    EXPECT_NE(decoded.error().message.find("Upgrade"), std::string::npos);
}

TEST(session_codec, a_newer_compatible_format_is_read_ignoring_appended_fields) {
    std::string bytes = encode_session(sample());
    bytes[0] = static_cast<char>(session_format_version + 1);
    bytes += "new field";
    const auto decoded = decode_session(bytes);
    ASSERT_TRUE(decoded.has_value());
    EXPECT_EQ(*decoded, sample());
}

TEST(session_codec, trailing_garbage_in_the_current_format_is_refused) {
    EXPECT_FALSE(decode_session(encode_session(sample()) + "x").has_value());
}

TEST(session_codec, every_truncation_is_refused_without_a_crash) {
    const std::string bytes = encode_session(sample());
    for (std::size_t n = 0; n < bytes.size(); ++n) {
        EXPECT_FALSE(decode_session(bytes.substr(0, n)).has_value()) << n;
    }
}

TEST(session_codec, out_of_range_values_are_refused) {
    session s = sample();
    std::string bytes = encode_session(s);
    // The status byte follows the two version bytes, the id and version, and the locale.
    const std::size_t status_at = 2 + 1 + s.dialog_id.size() + 1 + 1 + s.locale.size();
    bytes[status_at] = 9;
    EXPECT_FALSE(decode_session(bytes).has_value());
}

TEST(session_codec, a_huge_length_prefix_is_refused_without_allocating_it) {
    std::string bytes{static_cast<char>(1), static_cast<char>(1)};
    bytes += "\xff\xff\xff\xff\x0f";
    EXPECT_FALSE(decode_session(bytes).has_value());
}

} // namespace
} // namespace heregoes::dialog
