// Tests of how the safety data files are read (engine/safety/data_file.hpp, through
// parse_resources, parse_messages, pattern_pack::parse and their load_ forms): a syntax error,
// nesting past the limit and a duplicate key in any of them are refused with an error naming
// file:line:column, and a wrong envelope names its JSON pointer.

#include "engine/safety/crisis_resources.hpp"
#include "engine/safety/data_file.hpp"
#include "engine/safety/message_catalog.hpp"
#include "engine/safety/pattern_pack.hpp"
#include "tests/engine/safety/test_data.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

namespace heregoes::safety {
namespace {

// A file nested one level past the limit (the outer object and max_data_file_depth brackets) in an
// otherwise plausible envelope; the last bracket, at column 30 + max_data_file_depth, is too deep.
std::string nested_too_deep() {
    return R"({"schema_version":1,"regions":)" + std::string(max_data_file_depth, '[') +
           std::string(max_data_file_depth, ']') + "}";
}

// A file missing the comma after its first member; the parser stops at the token after the gap,
// "regions", which ends at line 2, column 11.
const std::string missing_comma = "{\"schema_version\": 1\n  \"regions\": {}}";

// A file in the system's temporary folder holding `text`, removed when the test ends.
class temp_file {
public:
    explicit temp_file(const std::string& text)
        : path_((std::filesystem::temp_directory_path() /
                 ("heregoes_data_file_test_" +
                  std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "_" +
                  ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".json"))
                    .string()) {
        std::ofstream(path_, std::ios::binary) << text;
    }
    ~temp_file() { std::remove(path_.c_str()); }
    temp_file(const temp_file&) = delete;
    temp_file& operator=(const temp_file&) = delete;
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

TEST(data_file, a_syntax_error_in_the_resources_file_names_file_line_and_column) {
    const auto r = parse_resources(missing_comma, "resources.json");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, "json_syntax");
    EXPECT_EQ(r.error().where, "resources.json:2:11");
}

TEST(data_file, a_syntax_error_in_a_messages_file_names_file_line_and_column) {
    const auto r = parse_messages(missing_comma, "messages/en.json");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, "json_syntax");
    EXPECT_EQ(r.error().where, "messages/en.json:2:11");
}

TEST(data_file, a_resources_file_nested_too_deep_is_refused_at_the_bracket) {
    const auto r = parse_resources(nested_too_deep(), "resources.json");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, "json_too_deep");
    EXPECT_EQ(r.error().where, "resources.json:1:" + std::to_string(30 + max_data_file_depth));
}

TEST(data_file, a_messages_file_nested_too_deep_is_refused_at_the_bracket) {
    const auto r = parse_messages(nested_too_deep(), "messages/en.json");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, "json_too_deep");
    EXPECT_EQ(r.error().where, "messages/en.json:1:" + std::to_string(30 + max_data_file_depth));
}

TEST(data_file, the_shipped_resources_file_fits_within_the_nesting_limit) {
    const auto r = load_resources(testing::data_dir + "/resources.json");
    EXPECT_TRUE(r) << r.error().to_string();
}

TEST(data_file, a_region_given_twice_is_refused_rather_than_one_silently_dropped) {
    const auto r = parse_resources(
        "{\"schema_version\": 1,\n \"regions\": {\"XX\": {}, \"XX\": {}}}", "resources.json");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, "duplicate_key");
    EXPECT_EQ(r.error().where, "resources.json:2:24");
}

TEST(data_file, a_wrong_schema_version_names_its_json_pointer) {
    const auto r = parse_messages(R"({"schema_version": 2})", "messages/en.json");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, "bad_messages");
    EXPECT_EQ(r.error().where, "messages/en.json#/schema_version");
}

TEST(data_file, a_top_level_that_is_not_an_object_is_refused) {
    const auto r = parse_resources("[1]", "resources.json");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, "bad_resources");
    EXPECT_EQ(r.error().where, "resources.json#");
}

TEST(data_file, loading_a_broken_resources_file_names_its_path_line_and_column) {
    const temp_file file(missing_comma);
    const auto r = load_resources(file.path());
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().where, file.path() + ":2:11");
}

TEST(data_file, loading_a_broken_messages_file_names_its_path_line_and_column) {
    const temp_file file(missing_comma);
    const auto r = load_messages(file.path());
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().where, file.path() + ":2:11");
}

TEST(data_file, a_messages_file_over_the_size_limit_is_refused) {
    const temp_file file(std::string(max_messages_file_bytes + 1, ' '));
    const auto r = load_messages(file.path());
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, "too_large");
    EXPECT_EQ(r.error().message, "the safety messages file is larger than 256 KiB");
}

TEST(data_file, a_syntax_error_in_a_pattern_pack_names_file_line_and_column) {
    const auto r = pattern_pack::parse(missing_comma, "patterns/xx.json");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, "json_syntax");
    EXPECT_EQ(r.error().where, "patterns/xx.json:2:11");
}

TEST(data_file, a_pattern_pack_nested_too_deep_is_refused_at_the_bracket) {
    const auto r = pattern_pack::parse(nested_too_deep(), "patterns/xx.json");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, "json_too_deep");
    EXPECT_EQ(r.error().where, "patterns/xx.json:1:" + std::to_string(30 + max_data_file_depth));
}

TEST(data_file, a_pattern_list_given_twice_is_refused_rather_than_one_silently_dropped) {
    const auto r = pattern_pack::parse("{\"schema_version\": 1,\n \"categories\": "
                                       "{\"self_harm\": [\"cut\"], \"self_harm\": []}}",
                                       "patterns/xx.json");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, "duplicate_key");
    EXPECT_EQ(r.error().where, "patterns/xx.json:2:39");
}

TEST(data_file, a_pattern_pack_with_a_wrong_schema_version_names_its_json_pointer) {
    const auto r = pattern_pack::parse(R"({"schema_version": 2})", "patterns/xx.json");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, "bad_pack");
    EXPECT_EQ(r.error().where, "patterns/xx.json#/schema_version");
}

TEST(data_file, a_pattern_pack_over_the_size_limit_is_refused) {
    const temp_file file(std::string(max_pack_file_bytes + 1, ' '));
    const auto r = pattern_pack::load_file(file.path());
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, "too_large");
    EXPECT_EQ(r.error().message, "the pattern pack is larger than 1 MiB");
}

TEST(data_file, a_missing_file_is_an_io_error_naming_it) {
    const auto r = load_resources("/nonexistent/resources.json");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, "io");
    EXPECT_EQ(r.error().where, "/nonexistent/resources.json");
}

} // namespace
} // namespace heregoes::safety
