// Tests of bounded JSON reading (engine/core/bounded_json.hpp): the nesting limit and where it is
// reported, syntax errors located as file:line:column (columns in characters, not bytes),
// duplicate keys reported while the value is still returned, and members kept in file order.

#include "engine/core/bounded_json.hpp"

#include <gtest/gtest.h>

namespace heregoes {
namespace {

TEST(bounded_json, nesting_at_the_limit_is_accepted) {
    const json_read_result r = read_bounded_json("[[1]]", "f.json", 2);
    ASSERT_TRUE(r.value.has_value());
    EXPECT_TRUE(r.diagnostics.empty());
    EXPECT_EQ((*r.value)[0][0], 1);
}

TEST(bounded_json, nesting_past_the_limit_is_refused_at_the_first_bracket_too_deep) {
    const json_read_result r = read_bounded_json("{\"a\": [[1]]}", "f.json", 2);
    EXPECT_FALSE(r.value.has_value());
    ASSERT_EQ(r.diagnostics.size(), 1u);
    EXPECT_EQ(r.diagnostics[0].code, "json_too_deep");
    EXPECT_EQ(r.diagnostics[0].where, "f.json:1:8");
}

TEST(bounded_json, brackets_inside_strings_do_not_count_as_nesting) {
    const json_read_result r = read_bounded_json(R"(["[[[[", "{{{{\"]]"])", "f.json", 1);
    ASSERT_TRUE(r.value.has_value()) << r.diagnostics[0].to_string();
    EXPECT_EQ(r.value->size(), 2u);
}

TEST(bounded_json, a_syntax_error_names_file_line_and_column) {
    const json_read_result r = read_bounded_json("{\n  \"a\": 1,\n  \"b\" 2\n}", "f.json", 8);
    EXPECT_FALSE(r.value.has_value());
    ASSERT_EQ(r.diagnostics.size(), 1u);
    EXPECT_EQ(r.diagnostics[0].code, "json_syntax");
    EXPECT_EQ(r.diagnostics[0].where, "f.json:3:7");
    EXPECT_EQ(r.diagnostics[0].message.rfind("invalid JSON: ", 0), 0u) << r.diagnostics[0].message;
    EXPECT_EQ(r.diagnostics[0].message.find("[json.exception"), std::string::npos);
}

TEST(bounded_json, columns_count_characters_not_bytes) {
    // "é" and "ü" are two bytes each in UTF-8 but one column each.
    const json_read_result r = read_bounded_json("[\"éü\" 1]", "f.json", 8);
    ASSERT_EQ(r.diagnostics.size(), 1u);
    EXPECT_EQ(r.diagnostics[0].where, "f.json:1:7");
}

TEST(bounded_json, empty_text_is_a_syntax_error_at_the_start) {
    const json_read_result r = read_bounded_json("", "f.json", 8);
    EXPECT_FALSE(r.value.has_value());
    ASSERT_EQ(r.diagnostics.size(), 1u);
    EXPECT_EQ(r.diagnostics[0].code, "json_syntax");
    EXPECT_EQ(r.diagnostics[0].where, "f.json:1:1");
}

TEST(bounded_json, a_duplicate_key_is_reported_at_its_second_place_and_the_value_kept) {
    const json_read_result r = read_bounded_json("{\"a\": 1,\n \"a\": 2}", "f.json", 8);
    ASSERT_TRUE(r.value.has_value());
    ASSERT_EQ(r.diagnostics.size(), 1u);
    EXPECT_EQ(r.diagnostics[0].code, "duplicate_key");
    EXPECT_EQ(r.diagnostics[0].where, "f.json:2:2");
    EXPECT_NE(r.diagnostics[0].message.find("\"a\""), std::string::npos);
}

TEST(bounded_json, the_same_key_in_two_objects_is_not_a_duplicate) {
    const json_read_result r = read_bounded_json(R"({"x": {"a": 1}, "y": {"a": 2}})", "f.json", 8);
    ASSERT_TRUE(r.value.has_value());
    EXPECT_TRUE(r.diagnostics.empty());
}

TEST(bounded_json, object_members_keep_file_order) {
    const json_read_result r = read_bounded_json(R"({"b": 1, "a": 2})", "f.json", 8);
    ASSERT_TRUE(r.value.has_value());
    EXPECT_EQ(r.value->begin().key(), "b");
}

TEST(text_position, an_offset_past_the_end_is_placed_at_the_end) {
    EXPECT_EQ(text_position("ab\ncd", 99, "f.json"), "f.json:2:3");
}

} // namespace
} // namespace heregoes
