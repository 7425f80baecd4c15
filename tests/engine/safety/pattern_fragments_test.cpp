// Tests of named pattern fragments (engine/safety/pattern_fragments.hpp): a pack's "fragments"
// are expanded into its patterns at load time, each as one non-capturing group; RE2's own braces
// pass through; every mistake in a fragment or reference is an error naming its JSON pointer; and
// the shipped packs expand to exactly the patterns they held when they were written out by hand.

#include "engine/safety/pattern_fragments.hpp"
#include "engine/safety/pattern_pack.hpp"
#include "engine/safety/screener.hpp"
#include "tests/engine/safety/test_data.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>
#include <string>

namespace heregoes::safety {
namespace {

using json = nlohmann::json;

// A pack with `fragments` (a JSON object's text) and one self_harm pattern `pattern` (JSON
// string contents, escaped as in a file).
std::string pack_with(std::string_view fragments, std::string_view pattern) {
    return R"({"schema_version":1,"locale":"xx","answers":{"yes":["yes"],"no":["no"]},)"
           R"("guards":{},"fragments":)" +
           std::string(fragments) + R"(,"categories":{"self_harm":[")" + std::string(pattern) +
           R"("]}})";
}

// Expands `pattern` with the fragments of `fragments_json`; the test fails on an error.
std::string expanded(std::string_view fragments_json, std::string_view pattern) {
    auto table = fragment_table::parse(json::parse(fragments_json), "xx.json#/fragments");
    EXPECT_TRUE(table) << table.error().to_string();
    if (!table) {
        return {};
    }
    auto out = table->expand(pattern, "xx.json#/categories/self_harm/0");
    EXPECT_TRUE(out) << out.error().to_string();
    return out ? out->text : std::string();
}

// The error of loading `text` as a pack; the test fails when it loads.
error load_error(const std::string& text) {
    auto pack = pattern_pack::parse(text, "xx.json");
    EXPECT_FALSE(pack) << "the pack loaded";
    return pack ? error{} : pack.error();
}

std::string read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

TEST(pattern_fragments, a_reference_expands_to_its_fragment_in_one_non_capturing_group) {
    EXPECT_EQ(expanded(R"({"who":"she|he"})", R"(\b{who} is sad\b)"), R"(\b(?:she|he) is sad\b)");
}

TEST(pattern_fragments, an_alternation_in_a_fragment_cannot_leak_into_the_pattern) {
    const std::string text = pack_with(R"({"who":"she|he"})", R"(\\bsays {who} is sad\\b)");
    auto pack = pattern_pack::parse(text, "xx.json");
    ASSERT_TRUE(pack) << pack.error().to_string();
    EXPECT_EQ(screen(**pack, "says she is sad").bits, bit(risk_category::self_harm));
    // Without the group this would read "says she" | "he is sad" and match a bare "she".
    EXPECT_EQ(screen(**pack, "she").bits, 0U);
}

TEST(pattern_fragments, counted_repetition_braces_are_left_to_re2) {
    EXPECT_EQ(expanded(R"({"w":"[a-z]+"})", R"(\b{w}(?: [a-z]+){0,8} x{2} y{2,} z{1,3}\b)"),
              R"(\b(?:[a-z]+)(?: [a-z]+){0,8} x{2} y{2,} z{1,3}\b)");
}

TEST(pattern_fragments, escaped_braces_and_braces_in_a_class_are_not_references) {
    EXPECT_EQ(expanded(R"({"w":"a"})", R"({w} \{w} [{w}] \x{41} \Q{w}\E)"),
              R"((?:a) \{w} [{w}] \x{41} \Q{w}\E)");
}

TEST(pattern_fragments, a_fragment_can_use_another_fragment) {
    EXPECT_EQ(expanded(R"({"someone":"my {relation}|she","relation":"friend|sister"})",
                       R"(\b{someone} is sad)"),
              R"(\b(?:my (?:friend|sister)|she) is sad)");
}

TEST(pattern_fragments, fragments_that_use_each_other_in_a_cycle_are_refused) {
    const error e = load_error(pack_with(R"({"a":"x{b}","b":"y{a}"})", "{a}"));
    EXPECT_EQ(e.code, "bad_fragment");
    EXPECT_NE(e.message.find("cycle"), std::string::npos) << e.to_string();
    EXPECT_NE(e.where.find("xx.json#/fragments/"), std::string::npos) << e.to_string();
}

TEST(pattern_fragments, a_fragment_that_uses_itself_is_refused) {
    const error e = load_error(pack_with(R"({"a":"x|{a}"})", "{a}"));
    EXPECT_NE(e.message.find("{a} -> {a}"), std::string::npos) << e.to_string();
    EXPECT_EQ(e.where, "xx.json#/fragments/a");
}

TEST(pattern_fragments, fragments_nested_deeper_than_the_limit_are_refused) {
    static_assert(max_fragment_depth == 3, "the chain below is one level too deep for 3");
    const error e =
        load_error(pack_with(R"({"a":"a{b}","b":"b{c}","c":"c{d}","d":"d"})", R"(\\b{a}\\b)"));
    EXPECT_EQ(e.code, "bad_fragment");
    EXPECT_EQ(e.where, "xx.json#/fragments/a");
    EXPECT_NE(e.message.find("at most 3"), std::string::npos) << e.to_string();
}

TEST(pattern_fragments, a_long_chain_of_fragments_is_refused_without_deep_recursion) {
    // f0 uses f1, which uses f2, ... : thousands deep, as a hostile file could be.
    constexpr int chain_length = 20000;
    std::string fragments = "{";
    for (int i = 0; i < chain_length; ++i) {
        fragments += "\"f" + std::to_string(i) + "\":\"x{f" + std::to_string(i + 1) + "}\",";
    }
    fragments += "\"f" + std::to_string(chain_length) + "\":\"x\"}";
    const error e = load_error(pack_with(fragments, "{f0}"));
    EXPECT_EQ(e.code, "bad_fragment");
    EXPECT_NE(e.message.find("at most 3"), std::string::npos) << e.to_string();
}

TEST(pattern_fragments, fragments_nested_to_the_limit_load) {
    auto pack = pattern_pack::parse(pack_with(R"({"a":"a{b}","b":"b{c}","c":"c"})", R"(\\b{a}\\b)"),
                                    "xx.json");
    ASSERT_TRUE(pack) << pack.error().to_string();
    EXPECT_EQ(screen(**pack, "abc").bits, bit(risk_category::self_harm));
}

TEST(pattern_fragments, an_unknown_fragment_is_refused_with_the_patterns_pointer) {
    const error e = load_error(pack_with(R"({"who":"she"})", R"(\\b{who} {feels}\\b)"));
    EXPECT_EQ(e.code, "bad_reference");
    EXPECT_EQ(e.where, "xx.json#/categories/self_harm/0");
    EXPECT_NE(e.message.find("{feels}"), std::string::npos) << e.to_string();
}

TEST(pattern_fragments, a_reference_in_a_pack_without_fragments_is_an_unknown_fragment) {
    const std::string text =
        R"({"schema_version":1,"locale":"xx","answers":{"yes":["yes"],"no":["no"]},)"
        R"("guards":{"idiom":["\\b{who} is fine\\b"]},"categories":{"self_harm":["cut"]}})";
    const error e = load_error(text);
    EXPECT_EQ(e.code, "bad_reference");
    EXPECT_EQ(e.where, "xx.json#/guards/idiom/0");
}

TEST(pattern_fragments, an_unterminated_reference_is_refused_with_its_position) {
    const error e = load_error(pack_with(R"({"who":"she"})", R"(\\b{who is sad)"));
    EXPECT_EQ(e.code, "bad_reference");
    EXPECT_EQ(e.where, "xx.json#/categories/self_harm/0");
    EXPECT_NE(e.message.find("at character 3"), std::string::npos) << e.to_string();
}

TEST(pattern_fragments, a_reference_open_at_the_end_of_the_pattern_is_refused) {
    const error e = load_error(pack_with(R"({"who":"she"})", R"({who} said {wh)"));
    EXPECT_NE(e.message.find("not closed"), std::string::npos) << e.to_string();
}

TEST(pattern_fragments, an_upper_case_reference_is_refused_not_read_as_literal_text) {
    const error e = load_error(pack_with(R"({"who":"she"})", R"({who} {Who})"));
    EXPECT_EQ(e.code, "bad_reference");
    EXPECT_NE(e.message.find("not a fragment name"), std::string::npos) << e.to_string();
}

TEST(pattern_fragments, an_invalid_fragment_name_is_refused) {
    const error e = load_error(pack_with(R"({"who":"she","some-one":"he"})", "{who}"));
    EXPECT_EQ(e.code, "bad_fragment");
    EXPECT_EQ(e.where, "xx.json#/fragments");
    EXPECT_NE(e.message.find("\"some-one\""), std::string::npos) << e.to_string();
}

TEST(pattern_fragments, a_fragment_name_of_digits_is_refused) {
    EXPECT_FALSE(is_fragment_name("2"));
    EXPECT_FALSE(is_fragment_name("2,3"));
    EXPECT_FALSE(is_fragment_name("1st"));
    EXPECT_TRUE(is_fragment_name("_x1"));
}

TEST(pattern_fragments, an_empty_fragment_is_refused) {
    const error e = load_error(pack_with(R"({"who":"she","nothing":""})", "{who}"));
    EXPECT_EQ(e.code, "bad_fragment");
    EXPECT_EQ(e.where, "xx.json#/fragments/nothing");
}

TEST(pattern_fragments, a_fragment_that_is_not_a_string_is_refused) {
    const error e = load_error(pack_with(R"({"who":["she","he"]})", "{who}"));
    EXPECT_EQ(e.code, "bad_fragment");
    EXPECT_EQ(e.where, "xx.json#/fragments/who");
}

TEST(pattern_fragments, fragments_that_are_not_an_object_are_refused) {
    const error e = load_error(pack_with(R"(["she"])", "she"));
    EXPECT_EQ(e.code, "bad_fragment");
    EXPECT_EQ(e.where, "xx.json#/fragments");
}

TEST(pattern_fragments, an_unused_fragment_is_refused) {
    const error e = load_error(pack_with(R"({"who":"she","feels":"is sad"})", R"({who} cries)"));
    EXPECT_EQ(e.code, "bad_fragment");
    EXPECT_EQ(e.where, "xx.json#/fragments/feels");
    EXPECT_NE(e.message.find("not used"), std::string::npos) << e.to_string();
}

TEST(pattern_fragments, a_fragment_used_only_by_another_fragment_counts_as_used) {
    EXPECT_TRUE(pattern_pack::parse(pack_with(R"({"a":"x{b}","b":"y"})", "{a}"), "xx.json"));
}

TEST(pattern_fragments, a_fragment_that_is_not_a_whole_regex_is_refused) {
    // Inside (?:...) this would compile and leak its alternation: (?:she)|(?:he).
    const error e = load_error(pack_with(R"({"who":"she)|(?:he"})", "{who} is sad"));
    EXPECT_EQ(e.code, "bad_fragment");
    EXPECT_EQ(e.where, "xx.json#/fragments/who");
    EXPECT_NE(e.message.find("on its own"), std::string::npos) << e.to_string();
}

TEST(pattern_fragments, a_regex_error_caused_by_a_fragment_names_the_pattern_and_the_fragment) {
    const error e = load_error(pack_with(R"js({"who":"(she|he)"})js", R"(\\b{who} is sad\\b)"));
    EXPECT_EQ(e.code, "bad_regex");
    EXPECT_EQ(e.where, "xx.json#/categories/self_harm/0");
    EXPECT_NE(e.message.find("after expanding {who}"), std::string::npos) << e.to_string();
    EXPECT_NE(e.message.find("capturing group"), std::string::npos) << e.to_string();
}

TEST(pattern_fragments, a_pattern_expanding_past_the_limit_is_refused) {
    const std::string long_words(max_expanded_pattern_bytes / 2, 'a');
    const error e = load_error(pack_with(R"({"w":")" + long_words + R"("})", "{w}{w}{w}"));
    EXPECT_EQ(e.code, "bad_reference");
    EXPECT_EQ(e.where, "xx.json#/categories/self_harm/0");
    EXPECT_NE(e.message.find("16 KiB"), std::string::npos) << e.to_string();
}

TEST(pattern_fragments, fragments_work_in_every_pattern_list_including_someone_else_guards) {
    const std::string text =
        R"({"schema_version":1,"locale":"xx",)"
        R"("fragments":{"who":"my friend|she","yes":"yes|yeah"},)"
        R"("answers":{"yes":["{yes}"],"no":["no"]},)"
        R"("guards":{"someone_else":{"third_party_self_harm":["\\b{who} is suicidal\\b"]}},)"
        R"("categories":{"passive_ideation":["\\bsuicidal\\b"]}})";
    auto pack = pattern_pack::parse(text, "xx.json");
    ASSERT_TRUE(pack) << pack.error().to_string();
    EXPECT_EQ(screen(**pack, "she is suicidal").bits, bit(risk_category::third_party_self_harm));
    EXPECT_EQ((*pack)->classify_answer("yeah"), pattern_pack::answer::yes);
}

// Every pattern of the pinned hand-written pack, expanded from the shipped pack at the same JSON
// pointer, must be the same string: then the compiled RE2 sets are those of the hand-written
// pack, and the conversion to fragments cannot have changed any decision.
void expect_shipped_expands_to_pinned(const std::string& locale) {
    const json shipped =
        json::parse(read_text(testing::data_dir + "/patterns/" + locale + ".json"));
    const json pinned = json::parse(read_text(
        testing::source_dir + "/tests/engine/safety/pinned_patterns/" + locale + ".json"));
    ASSERT_TRUE(shipped.contains("fragments")) << locale << " uses no fragments";
    auto fragments = fragment_table::parse(shipped["fragments"], locale + ".json#/fragments");
    ASSERT_TRUE(fragments) << fragments.error().to_string();
    int compared = 0;
    int written_with_fragments = 0;
    const json pinned_patterns = pinned.flatten();
    for (const auto& [pointer, value] : pinned_patterns.items()) {
        if (!value.is_string() ||
            (pointer.rfind("/guards/", 0) != 0 && pointer.rfind("/categories/", 0) != 0 &&
             pointer.rfind("/answers/", 0) != 0)) {
            continue;
        }
        const json::json_pointer at(pointer);
        ASSERT_TRUE(shipped.contains(at)) << locale << pointer << " is gone from the pack";
        const std::string& written = shipped.at(at).get_ref<const std::string&>();
        auto expanded = fragments->expand(written, locale + ".json#" + pointer);
        ASSERT_TRUE(expanded) << expanded.error().to_string();
        EXPECT_EQ(expanded->text, value.get<std::string>()) << locale << pointer;
        ++compared;
        written_with_fragments += expanded->fragments.empty() ? 0 : 1;
    }
    EXPECT_GT(compared, 250);
    EXPECT_GT(written_with_fragments, 30) << locale << " barely uses its fragments";
}

TEST(pattern_fragments, the_english_pack_expands_to_its_pinned_hand_written_patterns) {
    expect_shipped_expands_to_pinned("en");
}

TEST(pattern_fragments, the_spanish_pack_expands_to_its_pinned_hand_written_patterns) {
    expect_shipped_expands_to_pinned("es");
}

} // namespace
} // namespace heregoes::safety
