// The loader and compiler on broken input (engine/dialog/loader.hpp, dialog.hpp): every problem
// is reported with a place an author can find (file:line:column for JSON syntax, file#pointer for
// the rest), and nothing crashes on truncation, wrong types, huge strings, deep nesting or
// invalid regexes.

#include "engine/dialog/dialog.hpp"
#include "engine/dialog/loader.hpp"
#include "tests/engine/dialog/dialog_text.hpp"
#include "tests/engine/dialog/fixture_path.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>

namespace heregoes::dialog {
namespace {

using testing::compile_text;
using testing::edited;
using testing::load_text;
using testing::minimal_graph;
using testing::minimal_strings;

// The first diagnostic with `code`, or a failure.
const error* find_code(const std::vector<error>& diagnostics, const std::string& code) {
    const auto it = std::find_if(
        diagnostics.begin(), diagnostics.end(), [&](const error& e) { return e.code == code; });
    return it == diagnostics.end() ? nullptr : &*it;
}

std::string all(const std::vector<error>& diagnostics) {
    std::string s;
    for (const error& e : diagnostics) {
        s += e.code + " " + e.to_string() + "\n";
    }
    return s;
}

TEST(loader, the_minimal_dialog_loads_without_problems) {
    const load_result r = load_text(minimal_graph);
    EXPECT_TRUE(r.ok()) << all(r.diagnostics);
    ASSERT_TRUE(r.model.has_value());
    EXPECT_EQ(r.model->states.size(), 2u);
    EXPECT_EQ(r.model->states[0].choices[0].pointer, "/states/hello/choices/0");
}

TEST(loader, the_basic_fixture_loads_from_disk_with_both_locales) {
    const load_result r = load_model(testing::fixture("basic.json"));
    EXPECT_TRUE(r.ok()) << all(r.diagnostics);
    ASSERT_TRUE(r.model.has_value());
    EXPECT_EQ(r.model->strings.size(), 2u);
}

TEST(loader, truncated_json_is_reported_with_line_and_column) {
    const std::string truncated = minimal_graph.substr(0, minimal_graph.find("\"bye\": {"));
    const load_result r = load_text(truncated);
    ASSERT_FALSE(r.ok());
    const error* e = find_code(r.diagnostics, "json_syntax");
    ASSERT_NE(e, nullptr) << all(r.diagnostics);
    // The text ends on line 13, after the four spaces that indent "bye".
    EXPECT_EQ(e->where, "mini.json:13:5");
    EXPECT_FALSE(r.model.has_value());
}

TEST(loader, a_syntax_error_names_its_line_and_column) {
    const load_result r = load_text("{\n  \"id\": \"x\",\n  \"version\": 1,,\n}");
    const error* e = find_code(r.diagnostics, "json_syntax");
    ASSERT_NE(e, nullptr) << all(r.diagnostics);
    EXPECT_EQ(e->where, "mini.json:3:16");
}

TEST(loader, every_truncation_of_the_graph_is_an_error_and_never_a_crash) {
    for (std::size_t n = 0; n < minimal_graph.size(); ++n) {
        const load_result r = load_text(minimal_graph.substr(0, n));
        EXPECT_FALSE(r.ok()) << "prefix of " << n << " bytes";
    }
}

TEST(loader, a_wrong_type_is_reported_with_its_pointer) {
    const load_result r =
        load_text(edited(minimal_graph, "\"version\": 1", "\"version\": \"one\""));
    const error* e = find_code(r.diagnostics, "wrong_type");
    ASSERT_NE(e, nullptr) << all(r.diagnostics);
    EXPECT_EQ(e->where, "mini.json#/version");
    EXPECT_NE(e->message.find("integer"), std::string::npos);
}

TEST(loader, a_wrongly_typed_choice_goto_names_the_state_and_pointer) {
    const load_result r = load_text(edited(minimal_graph, "\"goto\": \"bye\"", "\"goto\": 3"));
    const error* e = find_code(r.diagnostics, "wrong_type");
    ASSERT_NE(e, nullptr) << all(r.diagnostics);
    EXPECT_EQ(e->where, "mini.json#/states/hello/choices/0/goto");
    EXPECT_NE(e->message.find("'hello'"), std::string::npos);
}

TEST(loader, all_problems_are_collected_in_one_run) {
    std::string g = edited(minimal_graph, "\"topic\": \"welcome\"", "\"topic\": \"weather\"");
    g = edited(g, "\"end\": true", "\"end\": true, \"colour\": \"red\"");
    const load_result r = load_text(g);
    EXPECT_NE(find_code(r.diagnostics, "bad_topic"), nullptr) << all(r.diagnostics);
    const error* unknown = find_code(r.diagnostics, "unknown_key");
    ASSERT_NE(unknown, nullptr) << all(r.diagnostics);
    EXPECT_EQ(unknown->where, "mini.json#/states/bye/colour");
}

TEST(loader, missing_required_fields_are_reported) {
    const load_result r = load_text(R"({"schema_version": 1})");
    EXPECT_EQ(std::count_if(r.diagnostics.begin(),
                            r.diagnostics.end(),
                            [](const error& e) { return e.code == "missing_field"; }),
              4)
        << all(r.diagnostics);
}

TEST(loader, a_bad_state_id_is_reported) {
    const load_result r = load_text(edited(minimal_graph, "\"bye\": {", "\"Bye Now\": {"));
    const error* e = find_code(r.diagnostics, "bad_id");
    ASSERT_NE(e, nullptr) << all(r.diagnostics);
    EXPECT_EQ(e->where, "mini.json#/states/Bye Now");
}

TEST(loader, a_newer_schema_version_is_refused_with_an_explanation) {
    const load_result r =
        load_text(edited(minimal_graph, "\"schema_version\": 1", "\"schema_version\": 2"));
    const error* e = find_code(r.diagnostics, "unsupported_schema");
    ASSERT_NE(e, nullptr) << all(r.diagnostics);
    EXPECT_NE(e->message.find("upgrade heregoes"), std::string::npos);
    EXPECT_FALSE(r.model.has_value());
}

TEST(loader, a_huge_string_is_refused_without_echoing_it) {
    const std::string huge(max_string_bytes + 1, 'a');
    const load_result r =
        load_text(edited(minimal_graph, "\"id\": \"mini\"", "\"id\": \"" + huge + "\""));
    const error* e = find_code(r.diagnostics, "too_large");
    ASSERT_NE(e, nullptr) << all(r.diagnostics);
    EXPECT_EQ(e->where, "mini.json#/id");
    EXPECT_LT(e->message.size(), 200u);
}

TEST(loader, a_huge_file_is_refused) {
    const std::string huge(max_dialog_file_bytes + 1, ' ');
    const load_result r = load_text(huge);
    ASSERT_NE(find_code(r.diagnostics, "too_large"), nullptr) << all(r.diagnostics);
}

TEST(loader, deep_nesting_is_refused_at_its_position) {
    const std::string deep = std::string(100000, '[') + std::string(100000, ']');
    const load_result r = load_text(deep);
    const error* e = find_code(r.diagnostics, "json_too_deep");
    ASSERT_NE(e, nullptr) << all(r.diagnostics);
    EXPECT_EQ(e->where, "mini.json:1:" + std::to_string(max_json_depth + 1));
}

TEST(loader, an_invalid_regex_is_reported_with_re2s_reason) {
    const load_result r =
        load_text(minimal_graph, edited(minimal_strings, "\"hello\"]", "\"hel(lo\"]"));
    const error* e = find_code(r.diagnostics, "bad_regex");
    ASSERT_NE(e, nullptr) << all(r.diagnostics);
    EXPECT_EQ(e->where, "strings/en/mini.json#/intents/greet/1");
    EXPECT_NE(e->message.find("missing )"), std::string::npos) << e->message;
}

TEST(loader, an_unparsable_condition_is_reported_with_its_column) {
    const load_result r = load_text(
        edited(minimal_graph, "\"goto\": \"bye\" }", "\"goto\": \"bye\", \"if\": \"a && (b\" }"));
    const error* e = find_code(r.diagnostics, "bad_condition");
    ASSERT_NE(e, nullptr) << all(r.diagnostics);
    EXPECT_EQ(e->where, "mini.json#/states/hello/choices/0/if");
    EXPECT_NE(e->message.find("missing ')'"), std::string::npos) << e->message;
}

TEST(loader, duplicate_keys_are_reported) {
    const load_result r =
        load_text(edited(minimal_graph, "\"version\": 1,", "\"version\": 1, \"version\": 2,"));
    const error* e = find_code(r.diagnostics, "duplicate_key");
    ASSERT_NE(e, nullptr) << all(r.diagnostics);
    EXPECT_EQ(e->where, "mini.json:4:17");
}

TEST(loader, a_state_that_both_waits_and_ends_is_reported) {
    const load_result r = load_text(edited(
        minimal_graph, "\"say\": [\"hello.text\"],", "\"say\": [\"hello.text\"], \"end\": true,"));
    EXPECT_NE(find_code(r.diagnostics, "conflicting_behaviour"), nullptr) << all(r.diagnostics);
}

TEST(loader, a_missing_strings_file_is_reported) {
    const load_result r = load_model_from_text(minimal_graph, "mini.json", {});
    const error* e = find_code(r.diagnostics, "missing_strings");
    ASSERT_NE(e, nullptr) << all(r.diagnostics);
    EXPECT_EQ(e->where, "strings/en/mini.json");
}

TEST(loader, a_strings_file_for_another_locale_is_reported) {
    const load_result r = load_text(
        minimal_graph, edited(minimal_strings, "\"locale\": \"en\"", "\"locale\": \"es\""));
    EXPECT_NE(find_code(r.diagnostics, "wrong_locale"), nullptr) << all(r.diagnostics);
}

TEST(loader, wrong_json_types_at_every_level_never_crash) {
    for (const std::string& doc :
         {std::string("[]"),
          std::string("null"),
          std::string("42"),
          std::string(R"({"states": []})"),
          std::string(R"({"states": {"a": []}})"),
          std::string(R"({"states": {"a": {"say": {}}}})"),
          std::string(R"({"states": {"a": {"say": [7], "choices": [1]}}})"),
          std::string(R"({"states": {"a": {"next": [{"if": 1}]}}})"),
          std::string(R"({"variables": [], "routes": {}, "migrate": 1})")}) {
        const load_result r = load_text(doc);
        EXPECT_FALSE(r.diagnostics.empty()) << doc;
    }
}

TEST(compiler, an_unknown_target_is_reported_with_the_pointer_of_the_goto) {
    std::vector<error> problems;
    const auto d = compile_text(edited(minimal_graph, "\"goto\": \"bye\"", "\"goto\": \"nowhere\""),
                                minimal_strings,
                                &problems);
    EXPECT_EQ(d, nullptr);
    const error* e = find_code(problems, "unknown_target");
    ASSERT_NE(e, nullptr) << all(problems);
    EXPECT_EQ(e->where, "mini.json#/states/hello/choices/0/goto");
    EXPECT_NE(e->message.find("'nowhere'"), std::string::npos);
}

TEST(compiler, a_text_id_missing_from_a_locale_is_reported) {
    std::vector<error> problems;
    compile_text(minimal_graph,
                 edited(minimal_strings, "\"bye.text\": \"Goodbye.\"", "\"other\": \"x\""),
                 &problems);
    const error* e = find_code(problems, "missing_text");
    ASSERT_NE(e, nullptr) << all(problems);
    EXPECT_NE(e->message.find("'bye.text'"), std::string::npos);
}

TEST(compiler, an_undeclared_variable_in_a_condition_is_reported) {
    std::vector<error> problems;
    compile_text(
        edited(minimal_graph, "\"goto\": \"bye\" }", "\"goto\": \"bye\", \"if\": \"mood\" }"),
        minimal_strings,
        &problems);
    const error* e = find_code(problems, "unknown_variable");
    ASSERT_NE(e, nullptr) << all(problems);
    EXPECT_EQ(e->where, "mini.json#/states/hello/choices/0/if");
}

TEST(compiler, an_intent_missing_from_a_locale_is_reported) {
    std::vector<error> problems;
    compile_text(minimal_graph, edited(minimal_strings, "\"greet\"", "\"wave\""), &problems);
    EXPECT_NE(find_code(problems, "missing_intent"), nullptr) << all(problems);
}

TEST(compiler, load_dialog_returns_the_first_problem_as_its_error) {
    const auto result = load_dialog(testing::fixture("does-not-exist.json"), load_options{});
    ASSERT_FALSE(result.has_value());
    EXPECT_EQ(result.error().code, "unreadable");
}

TEST(model_views, edges_and_text_uses_carry_pointers) {
    const load_result r = load_text(minimal_graph);
    ASSERT_TRUE(r.ok());
    const auto e = edges(*r.model);
    const auto choice = std::find_if(
        e.begin(), e.end(), [](const edge& x) { return x.kind == edge::kind::choice; });
    ASSERT_NE(choice, e.end());
    EXPECT_EQ(choice->from, "hello");
    EXPECT_EQ(choice->to, "bye");
    EXPECT_EQ(choice->pointer, "/states/hello/choices/0/goto");
    const auto texts = text_uses(*r.model);
    EXPECT_EQ(texts.size(), 3u);
    EXPECT_EQ(intent_uses(*r.model).at(0).intent, "greet");
}

TEST(model_views, placeholders_are_listed_in_order) {
    EXPECT_EQ(placeholders("Hi {{name}}, at {{ practice_name }} {{name}} {{open"),
              (std::vector<std::string>{"name", "practice_name", "name"}));
}

} // namespace
} // namespace heregoes::dialog
