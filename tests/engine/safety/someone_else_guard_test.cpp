// Tests of the someone_else guards of a pattern pack (dialogs/safety/README.md): a report about
// another person ("my friend is suicidal") is masked so the writer's own patterns do not read it as
// the writer's risk, and counts as that person's category instead; the writer's own words
// elsewhere in the same message still count, and a pack can name the mask word to catch the writer
// joining in. Small packs keep each behaviour visible on its own.

#include "engine/safety/pattern_pack.hpp"
#include "engine/safety/screener.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace heregoes::safety {
namespace {

// A pack whose own-risk pattern reads "suicidal" anywhere, with a someone_else guard for
// "my friend is suicidal" and a pattern for the writer joining in after such a report.
constexpr std::string_view pack_text = R"({
  "schema_version": 1, "locale": "xx",
  "answers": {"yes": ["yes"], "no": ["no"]},
  "guards": {
    "negation": ["\\bnot suicidal\\b"],
    "someone_else": {
      "third_party_self_harm": ["\\bmy friend is (?:really )?suicidal\\b"],
      "third_party_abuse": ["\\bmy friend says he will hurt his ex\\b"]
    }
  },
  "categories": {
    "passive_ideation": ["\\bsuicidal\\b", "\\bzzother and so am i\\b"],
    "harm_to_others": ["\\bhurt (?:his|my) ex\\b"]
  }
})";

std::unique_ptr<pattern_pack> test_pack() {
    auto pack = pattern_pack::parse(pack_text, "xx.json");
    EXPECT_TRUE(pack) << pack.error().to_string();
    return pack ? std::move(*pack) : nullptr;
}

TEST(someone_else_guard, a_report_about_someone_else_counts_as_their_category_only) {
    const auto pack = test_pack();
    ASSERT_NE(pack, nullptr);
    const screen_result r = screen(*pack, "My friend is really suicidal");
    EXPECT_EQ(r.bits, bit(risk_category::third_party_self_harm));
    EXPECT_FALSE(r.informational);
}

TEST(someone_else_guard, each_listed_category_marks_its_own_reports) {
    const auto pack = test_pack();
    ASSERT_NE(pack, nullptr);
    EXPECT_EQ(screen(*pack, "my friend says he will hurt his ex").bits,
              bit(risk_category::third_party_abuse));
}

TEST(someone_else_guard, the_writers_own_risk_elsewhere_in_the_message_still_counts) {
    const auto pack = test_pack();
    ASSERT_NE(pack, nullptr);
    const screen_result r =
        screen(*pack, "my friend is suicidal, and honestly I feel suicidal too");
    EXPECT_NE(r.bits & bit(risk_category::passive_ideation), 0U);
    EXPECT_NE(r.bits & bit(risk_category::third_party_self_harm), 0U);
}

TEST(someone_else_guard, a_pattern_can_name_the_mask_word_to_catch_the_writer_joining_in) {
    const auto pack = test_pack();
    ASSERT_NE(pack, nullptr);
    const screen_result r = screen(*pack, "my friend is suicidal and so am I");
    EXPECT_NE(r.bits & bit(risk_category::passive_ideation), 0U);
}

TEST(someone_else_guard, a_threat_someone_else_made_is_theirs_and_not_the_writers) {
    const std::string text =
        R"({"schema_version":1,"locale":"xx",)"
        R"("answers":{"yes":["yes"],"no":["no"]},)"
        R"("guards":{"someone_else":{"third_party_threat":["\\bmy brother wants to kill his boss\\b"]}},)"
        R"("categories":{"harm_to_others":["\\bwants? to kill (?:my|his) boss\\b"]}})";
    const auto pack = pattern_pack::parse(text, "xx.json");
    ASSERT_TRUE(pack) << pack.error().to_string();
    EXPECT_EQ(screen(**pack, "my brother wants to kill his boss").bits,
              bit(risk_category::third_party_threat));
    EXPECT_EQ(screen(**pack, "I want to kill my boss").bits, bit(risk_category::harm_to_others));
}

TEST(someone_else_guard, a_pack_without_someone_else_guards_still_loads_and_screens) {
    const std::string text = R"({"schema_version":1,"locale":"xx",)"
                             R"("answers":{"yes":["yes"],"no":["no"]},"guards":{},)"
                             R"("categories":{"passive_ideation":["\\bsuicidal\\b"]}})";
    const auto pack = pattern_pack::parse(text, "xx.json");
    ASSERT_TRUE(pack) << pack.error().to_string();
    EXPECT_TRUE((*pack)->guard_parts().empty());
    EXPECT_EQ(screen(**pack, "my friend is suicidal").bits, bit(risk_category::passive_ideation));
}

TEST(someone_else_guard, a_category_about_the_writer_is_refused_with_its_pointer) {
    const std::string text = R"({"schema_version":1,"locale":"xx",)"
                             R"("answers":{"yes":["yes"],"no":["no"]},)"
                             R"("guards":{"someone_else":{"active_ideation":["\\bkill\\b"]}},)"
                             R"("categories":{"passive_ideation":["\\bsuicidal\\b"]}})";
    const auto pack = pattern_pack::parse(text, "xx.json");
    ASSERT_FALSE(pack);
    EXPECT_NE(pack.error().to_string().find("xx.json#/guards/someone_else/active_ideation"),
              std::string::npos)
        << pack.error().to_string();
}

TEST(someone_else_guard, someone_else_that_is_not_an_object_is_refused) {
    const std::string text = R"({"schema_version":1,"locale":"xx",)"
                             R"("answers":{"yes":["yes"],"no":["no"]},)"
                             R"("guards":{"someone_else":["\\bkill\\b"]},)"
                             R"("categories":{"passive_ideation":["\\bsuicidal\\b"]}})";
    const auto pack = pattern_pack::parse(text, "xx.json");
    ASSERT_FALSE(pack);
    EXPECT_NE(pack.error().to_string().find("#/guards/someone_else"), std::string::npos);
}

TEST(someone_else_guard, a_capturing_group_in_a_someone_else_pattern_is_refused) {
    const std::string text =
        R"({"schema_version":1,"locale":"xx",)"
        R"("answers":{"yes":["yes"],"no":["no"]},)"
        R"("guards":{"someone_else":{"third_party_self_harm":["\\bmy (friend) is sad\\b"]}},)"
        R"("categories":{"passive_ideation":["\\bsuicidal\\b"]}})";
    const auto pack = pattern_pack::parse(text, "xx.json");
    ASSERT_FALSE(pack);
    EXPECT_NE(pack.error().to_string().find("#/guards/someone_else/third_party_self_harm/0"),
              std::string::npos);
}

} // namespace
} // namespace heregoes::safety
