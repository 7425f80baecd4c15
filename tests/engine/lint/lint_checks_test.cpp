// One test per `heregoes lint` check, each on a minimal broken fixture under fixtures/<check>/
// (a copy of fixtures/clean/ with one thing broken), plus the clean fixture that must pass.

#include "engine/lint/graph_checks.hpp"
#include "engine/lint/lint.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <string>

namespace heregoes::lint {
namespace {

namespace fs = std::filesystem;

const fs::path fixtures = HEREGOES_LINT_FIXTURES;

// The graph file of a fixture: fixtures/unknown_target/unknown-target.json.
fs::path graph_of(const std::string& name) {
    std::string id = name;
    std::replace(id.begin(), id.end(), '_', '-');
    return fixtures / name / (id + ".json");
}

std::vector<diagnostic> lint_fixture(const std::string& name) {
    return lint_graph_file(graph_of(name));
}

std::string dump(const std::vector<diagnostic>& ds) {
    std::string out;
    for (const auto& d : ds) {
        out += d.to_string() + "\n";
    }
    return out;
}

// The first diagnostic with `code`; fails the test when there is none.
const diagnostic& find_code(const std::vector<diagnostic>& ds, const std::string& code) {
    const auto it =
        std::find_if(ds.begin(), ds.end(), [&](const auto& d) { return d.code == code; });
    if (it == ds.end()) {
        ADD_FAILURE() << "no `" << code << "` diagnostic in:\n" << dump(ds);
        static const diagnostic none{};
        return none;
    }
    return *it;
}

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

TEST(lint_checks, clean_fixture_has_no_errors_or_warnings) {
    const auto ds = lint_fixture("clean");
    EXPECT_TRUE(ds.empty()) << dump(ds);
}

TEST(lint_checks, json_syntax_error_names_file_line_and_column) {
    const auto ds = lint_fixture("json_syntax");
    const auto& d = find_code(ds, "json_syntax");
    // file:line:column, both numbers present.
    const std::string prefix = "json-syntax.json:";
    const auto at = d.where.find(prefix);
    ASSERT_NE(at, std::string::npos) << d.where;
    const std::string rest = d.where.substr(at + prefix.size());
    const auto colon = rest.find(':');
    ASSERT_NE(colon, std::string::npos) << d.where;
    EXPECT_GT(std::stoi(rest.substr(0, colon)), 0) << d.where;
    EXPECT_GT(std::stoi(rest.substr(colon + 1)), 0) << d.where;
}

TEST(lint_checks, unknown_target_names_the_id_and_pointer) {
    const auto ds = lint_fixture("unknown_target");
    const auto& d = find_code(ds, "unknown_target");
    EXPECT_TRUE(contains(d.message, "`good_bye`")) << d.message;
    EXPECT_TRUE(contains(d.where, "unknown-target.json#/states/menu/choices/1/goto")) << d.where;
}

TEST(lint_checks, unreachable_state_is_reported) {
    const auto ds = lint_fixture("unreachable_state");
    const auto& d = find_code(ds, "unreachable_state");
    EXPECT_TRUE(contains(d.message, "`orphan`")) << d.message;
    EXPECT_TRUE(contains(d.where, "#/states/orphan")) << d.where;
}

TEST(lint_checks, dead_end_state_is_reported) {
    const auto ds = lint_fixture("dead_end");
    const auto& d = find_code(ds, "dead_end");
    EXPECT_TRUE(contains(d.message, "`help`")) << d.message;
}

TEST(lint_checks, waiting_state_without_no_match_is_reported) {
    const auto ds = lint_fixture("missing_no_match");
    const auto& d = find_code(ds, "missing_no_match");
    EXPECT_TRUE(contains(d.message, "`menu`")) << d.message;
}

TEST(lint_checks, loop_of_automatic_states_is_reported) {
    const auto ds = lint_fixture("unbounded_loop");
    const auto& d = find_code(ds, "unbounded_loop");
    EXPECT_TRUE(contains(d.message, "`help`")) << d.message;
    EXPECT_TRUE(contains(d.message, "`help_more`")) << d.message;
}

TEST(lint_checks, return_reachable_outside_a_call_is_reported) {
    const auto ds = lint_fixture("return_outside_call");
    const auto& d = find_code(ds, "return_outside_call");
    EXPECT_TRUE(contains(d.message, "`rehearsal_done`")) << d.message;
    EXPECT_TRUE(contains(d.message, "welcome -> menu -> rehearsal_done")) << d.message;
}

TEST(lint_checks, first_turn_without_disclosure_is_reported) {
    const auto ds = lint_fixture("missing_disclosure");
    const auto& d = find_code(ds, "missing_disclosure");
    EXPECT_TRUE(contains(d.message, "welcome -> menu")) << d.message;
}

TEST(lint_checks, text_missing_from_a_locale_names_id_and_locale) {
    const auto ds = lint_fixture("missing_text");
    const auto& d = find_code(ds, "missing_text");
    EXPECT_TRUE(contains(d.message, "`menu.bye`")) << d.message;
    EXPECT_TRUE(contains(d.message, "`es`")) << d.message;
    EXPECT_TRUE(contains(d.where, "#/states/menu/choices/1")) << d.where;
}

TEST(lint_checks, placeholders_differing_between_locales_are_reported) {
    const auto ds = lint_fixture("placeholder_mismatch");
    const auto& d = find_code(ds, "placeholder_mismatch");
    EXPECT_TRUE(contains(d.message, "{{opener_line}}")) << d.message;
    EXPECT_TRUE(contains(d.message, "{{opener}}")) << d.message;
    EXPECT_TRUE(contains(d.where, "strings/es/placeholder-mismatch.json#/strings/rehearsal.echo"))
        << d.where;
}

TEST(lint_checks, undeclared_variable_is_reported) {
    const auto ds = lint_fixture("unknown_variable");
    const auto& d = find_code(ds, "unknown_variable");
    EXPECT_TRUE(contains(d.message, "`chosen`")) << d.message;
}

TEST(lint_checks, intent_missing_from_a_locale_is_reported) {
    const auto ds = lint_fixture("missing_intent");
    const auto& d = find_code(ds, "missing_intent");
    EXPECT_TRUE(contains(d.message, "`rehearse`")) << d.message;
    EXPECT_TRUE(contains(d.message, "`es`")) << d.message;
}

TEST(lint_checks, regex_rejected_by_re2_names_pattern_and_locale) {
    const auto ds = lint_fixture("bad_regex");
    const auto& d = find_code(ds, "bad_regex");
    EXPECT_TRUE(contains(d.message, "(practi[cs]e")) << d.message;
    EXPECT_TRUE(contains(d.where, "strings/en/bad-regex.json#/intents/rehearse/0")) << d.where;
}

TEST(lint_checks, missing_stop_route_is_reported) {
    find_code(lint_fixture("missing_stop_route"), "missing_stop_route");
}

TEST(lint_checks, stop_route_must_work_in_capture_states) {
    const auto ds = lint_fixture("stop_route_not_always");
    const auto& d = find_code(ds, "stop_route_not_always");
    EXPECT_TRUE(contains(d.where, "#/routes/1")) << d.where;
}

TEST(lint_checks, missing_help_route_is_reported) {
    find_code(lint_fixture("missing_help_route"), "missing_help_route");
}

// The loader reports this one (as duplicate_id) while reading the file.
TEST(lint_checks, duplicate_choice_id_is_reported) {
    const auto ds = lint_fixture("duplicate_choice_id");
    const auto& d = find_code(ds, "duplicate_id");
    EXPECT_TRUE(contains(d.message, "rehearse")) << d.message;
    EXPECT_TRUE(contains(d.where, "#/states/menu/choices/1")) << d.where;
}

TEST(lint_checks, topic_outside_the_vocabulary_is_reported) {
    const auto ds = lint_fixture("unknown_topic");
    const auto& d = find_code(ds, "bad_topic");
    EXPECT_TRUE(contains(d.where, "#/states/help/topic")) << d.where;
}

TEST(lint_checks, waiting_state_that_says_nothing_is_reported) {
    const auto ds = lint_fixture("silent_waiting_state");
    const auto& d = find_code(ds, "silent_waiting_state");
    EXPECT_TRUE(contains(d.message, "`menu`")) << d.message;
    EXPECT_EQ(d.severity, severity::error);
}

// Each broken fixture breaks one thing, so its errors are that check's (and, where one mistake
// is two problems, the listed companion); anything else would be a false positive.
TEST(lint_checks, broken_fixtures_report_only_their_own_errors) {
    const std::map<std::string, std::set<std::string>> expected{
        {"json_syntax", {"json_syntax"}},
        {"unknown_target", {"unknown_target"}},
        {"unreachable_state", {"unreachable_state"}},
        {"dead_end", {"dead_end"}},
        {"missing_no_match", {"missing_no_match"}},
        {"unbounded_loop", {"unbounded_loop"}},
        {"return_outside_call", {"return_outside_call"}},
        {"missing_disclosure", {"missing_disclosure"}},
        {"missing_text", {"missing_text"}},
        {"placeholder_mismatch", {"placeholder_mismatch", "unknown_variable"}},
        {"unknown_variable", {"unknown_variable"}},
        {"missing_intent", {"missing_intent"}},
        {"bad_regex", {"bad_regex"}},
        {"missing_stop_route", {"missing_stop_route"}},
        {"stop_route_not_always", {"stop_route_not_always"}},
        {"missing_help_route", {"missing_help_route"}},
        {"duplicate_choice_id", {"duplicate_id"}},
        {"unknown_topic", {"bad_topic"}},
        {"silent_waiting_state", {"silent_waiting_state"}},
    };
    for (const auto& [name, codes] : expected) {
        const auto ds = lint_fixture(name);
        std::set<std::string> errors;
        for (const auto& d : ds) {
            if (d.severity == severity::error) {
                errors.insert(d.code);
            }
        }
        EXPECT_EQ(errors, codes) << name << ":\n" << dump(ds);
    }
}

TEST(lint_paths, directory_is_searched_and_every_problem_is_listed) {
    const auto result = lint_paths({fixtures}, safety::civil_date{2026, 1, 1});
    EXPECT_EQ(result.dialogs_checked, 20u);
    EXPECT_FALSE(result.missing_paths);
    EXPECT_GE(count(result.diagnostics, severity::error), 19u);
}

TEST(lint_paths, strings_file_is_checked_through_its_graph) {
    const auto result =
        lint_paths({fixtures / "missing_text" / "strings" / "es" / "missing-text.json"},
                   safety::civil_date{2026, 1, 1});
    EXPECT_EQ(result.dialogs_checked, 1u);
    find_code(result.diagnostics, "missing_text");
}

// The repository's safety data folder goes to the safety layer's lint, never to the dialog loader.
TEST(lint_paths, safety_folder_is_linted_as_safety_data) {
    const auto result = lint_paths({fs::path(HEREGOES_REPO_DIALOGS) / "safety" / ""},
                                   safety::civil_date{2026, 1, 1});
    EXPECT_EQ(result.dialogs_checked, 0u);
    EXPECT_EQ(result.safety_dirs_checked, 1u);
}

TEST(lint_paths, missing_path_is_flagged) {
    const auto result =
        lint_paths({fixtures / "no_such_dialog.json"}, safety::civil_date{2026, 1, 1});
    EXPECT_TRUE(result.missing_paths);
    find_code(result.diagnostics, "file_missing");
}

} // namespace
} // namespace heregoes::lint
