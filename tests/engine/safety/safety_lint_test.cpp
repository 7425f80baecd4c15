// Tests of the safety-data lint that `heregoes lint` calls, and of pack loading errors: each names
// the file and JSON pointer of the problem.

#include "engine/safety/message_catalog.hpp"
#include "engine/safety/pattern_pack.hpp"
#include "engine/safety/safety_lint.hpp"
#include "tests/engine/safety/test_data.hpp"

#include <gtest/gtest.h>

namespace heregoes::safety {
namespace {

constexpr std::string_view minimal_pack_head =
    R"({"schema_version":1,"locale":"xx","answers":{"yes":["yes"],"no":["no"]},"guards":{},)";

TEST(safety_lint, the_shipped_safety_data_has_no_errors) {
    for (const auto& d : lint_safety_data(testing::data_dir, testing::test_today)) {
        EXPECT_NE(d.level, diagnostic::severity::error) << d.to_string();
    }
}

TEST(safety_lint, warns_thirty_days_before_a_review_date) {
    // The shipped entries are due on 2027-02-25.
    bool warned = false;
    for (const auto& d : lint_safety_data(testing::data_dir, {2027, 2, 1})) {
        warned = warned || d.code == "resource_review_soon";
        EXPECT_NE(d.code, "resource_expired");
    }
    EXPECT_TRUE(warned);
}

TEST(safety_lint, reports_expired_shipped_resources_as_errors) {
    bool expired = false;
    for (const auto& d : lint_safety_data(testing::data_dir, {2027, 3, 1})) {
        expired =
            expired || (d.code == "resource_expired" && d.level == diagnostic::severity::error);
    }
    EXPECT_TRUE(expired);
}

TEST(safety_lint, a_missing_data_directory_is_an_error) {
    const auto findings =
        lint_safety_data(testing::data_dir + "/does-not-exist", testing::test_today);
    ASSERT_FALSE(findings.empty());
    EXPECT_EQ(findings[0].level, diagnostic::severity::error);
}

TEST(pattern_pack_errors, a_bad_regex_names_the_locale_file_and_pattern) {
    const std::string text =
        std::string(minimal_pack_head) + R"("categories":{"self_harm":["ok","(unclosed"]}})";
    const auto pack = pattern_pack::parse(text, "patterns/xx.json");
    ASSERT_FALSE(pack);
    EXPECT_EQ(pack.error().code, "bad_regex");
    EXPECT_EQ(pack.error().where, "patterns/xx.json#/categories/self_harm/1");
}

TEST(pattern_pack_errors, a_capturing_group_is_rejected) {
    const std::string text =
        std::string(minimal_pack_head) + R"("categories":{"self_harm":["(cut) myself"]}})";
    const auto pack = pattern_pack::parse(text, "xx.json");
    ASSERT_FALSE(pack);
    EXPECT_NE(pack.error().message.find("(?:"), std::string::npos);
}

TEST(pattern_pack_errors, a_pattern_matching_empty_text_is_rejected) {
    const std::string text =
        std::string(minimal_pack_head) + R"("categories":{"self_harm":["x*"]}})";
    EXPECT_FALSE(pattern_pack::parse(text, "xx.json"));
}

TEST(pattern_pack_errors, an_unknown_category_is_rejected) {
    const std::string text =
        std::string(minimal_pack_head) + R"("categories":{"sadness":["sad"]}})";
    const auto pack = pattern_pack::parse(text, "xx.json");
    ASSERT_FALSE(pack);
    EXPECT_EQ(pack.error().where, "xx.json#/categories/sadness");
}

TEST(pattern_pack_errors, broken_json_is_an_error_not_a_crash) {
    EXPECT_FALSE(pattern_pack::parse("{\"schema_version\":1,", "xx.json"));
    EXPECT_FALSE(pattern_pack::parse("42", "xx.json"));
}

TEST(message_errors, a_missing_message_id_is_named) {
    const auto strings = parse_messages(
        R"({"schema_version":1,"locale":"xx","strings":{"safety.check":"hi"}})", "xx.json");
    ASSERT_FALSE(strings);
    EXPECT_NE(strings.error().message.find("is missing"), std::string::npos);
}

TEST(message_errors, an_unknown_placeholder_fails_rendering) {
    auto strings = load_messages(testing::data_dir + "/messages/en.json");
    ASSERT_TRUE(strings) << strings.error().to_string();
    strings->strings["safety.check"] = "Call {emergncy}";
    const auto catalog = load_resources(testing::data_dir + "/resources.json");
    ASSERT_TRUE(catalog);
    const auto rendered = message_catalog::render(*strings, catalog->regions[0], {});
    ASSERT_FALSE(rendered);
    EXPECT_NE(rendered.error().message.find("{emergncy}"), std::string::npos);
    EXPECT_NE(rendered.error().where.find("#/strings/safety.check"), std::string::npos);
}

} // namespace
} // namespace heregoes::safety
