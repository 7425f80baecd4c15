// Tests of the `heregoes` subcommands (engine/cli/commands.hpp) as a caller sees them: --help and
// usage errors with their exit statuses for every command, and real runs of graph, strings,
// diff, test and chat over the authoring fixture dialogs, with the messages a person reads.

#include "engine/cli/commands.hpp"
#include "engine/cli/exit_codes.hpp"
#include "tests/engine/cli/captured_output.hpp"

#include <gtest/gtest.h>

#include <span>
#include <string>
#include <vector>

namespace heregoes::cli {
namespace {

using testing::captured_output;

const std::string source_dir = HEREGOES_SOURCE_DIR;
const std::string fixtures = source_dir + "/tests/engine/authoring";
const std::string safety_dir = source_dir + "/dialogs/safety";

struct command {
    const char* name;
    int (*run)(std::span<const std::string>);
};

const command all_commands[] = {
    {"graph", run_graph},
    {"strings", run_strings},
    {"chat", run_chat},
    {"test", run_test},
    {"lint", run_lint},
    {"diff", run_diff},
};

int run(int (*command)(std::span<const std::string>), std::vector<std::string> words) {
    return command(words);
}

TEST(commands, every_command_prints_its_help_on_stdout_and_exits_ok) {
    for (const auto& c : all_commands) {
        const captured_output io;
        EXPECT_EQ(run(c.run, {"--help"}), exit_ok) << c.name;
        EXPECT_EQ(io.out().rfind("usage: heregoes " + std::string(c.name), 0), 0u) << io.out();
        EXPECT_NE(io.out().find("  --help                  show this help\n"), std::string::npos)
            << c.name;
        EXPECT_EQ(io.err(), "") << c.name;
    }
}

TEST(commands, every_command_refuses_an_unknown_option_with_exit_usage) {
    for (const auto& c : all_commands) {
        const captured_output io;
        EXPECT_EQ(run(c.run, {"--bogus"}), exit_usage) << c.name;
        EXPECT_EQ(
            io.err().rfind("heregoes " + std::string(c.name) + ": unknown option `--bogus`\n", 0),
            0u)
            << io.err();
        EXPECT_NE(io.err().find("try `heregoes " + std::string(c.name) + " --help`\n"),
                  std::string::npos);
        EXPECT_EQ(io.out(), "") << c.name;
    }
}

TEST(graph, prints_a_dialog_named_by_id_in_the_dialogs_folder) {
    const captured_output io;
    EXPECT_EQ(run(run_graph, {"--dialogs", fixtures + "/dialogs", "practice"}), exit_ok);
    EXPECT_EQ(io.out().rfind("digraph \"practice\" {", 0), 0u) << io.out();
}

TEST(graph, an_unknown_format_is_a_usage_error) {
    const captured_output io;
    EXPECT_EQ(run(run_graph, {"--format", "svg", "practice"}), exit_usage);
    EXPECT_EQ(io.err().rfind("heregoes graph: --format must be dot or mermaid, got `svg`\n", 0), 0u)
        << io.err();
}

TEST(graph, a_missing_dialog_file_is_a_finding) {
    const captured_output io;
    EXPECT_EQ(run(run_graph, {"--dialogs", fixtures + "/dialogs", "absent"}), exit_findings);
    EXPECT_EQ(io.err(), fixtures + "/dialogs/absent.json: no such dialog file\n");
}

TEST(strings, an_unknown_locale_lists_the_dialogs_locales) {
    const captured_output io;
    EXPECT_EQ(run(run_strings, {"--dialogs", fixtures + "/dialogs", "--locale", "xx", "practice"}),
              exit_usage);
    EXPECT_EQ(io.err(),
              "heregoes strings: dialog `practice` has no locale `xx` (it has: en, es)\n");
}

TEST(diff, two_versions_that_differ_exit_with_findings_and_a_dialog_with_itself_exits_ok) {
    const captured_output io;
    const std::string v1 = fixtures + "/dialogs/practice.json";
    EXPECT_EQ(run(run_diff, {v1, fixtures + "/dialogs_v2/practice.json"}), exit_findings);
    EXPECT_EQ(run(run_diff, {v1, v1}), exit_ok);
}

TEST(test_command, passing_transcripts_report_their_count_and_coverage) {
    const captured_output io;
    EXPECT_EQ(run(run_test,
                  {fixtures + "/transcripts",
                   "--dialogs",
                   fixtures + "/dialogs",
                   "--safety",
                   safety_dir}),
              exit_ok)
        << io.err();
    EXPECT_NE(io.out().find("1 of 1 transcript(s) passed\n"), std::string::npos) << io.out();
}

TEST(test_command, coverage_below_the_minimum_is_a_finding) {
    const captured_output io;
    EXPECT_EQ(run(run_test,
                  {fixtures + "/transcripts",
                   "--dialogs",
                   fixtures + "/dialogs",
                   "--safety",
                   safety_dir,
                   "--min-coverage",
                   "100"}),
              exit_findings);
    EXPECT_NE(io.out().find("coverage below 100%: practice en states"), std::string::npos)
        << io.out();
}

TEST(test_command, a_missing_dialogs_folder_is_named_with_the_command) {
    const captured_output io;
    EXPECT_EQ(run(run_test, {fixtures + "/transcripts", "--dialogs", "/nonexistent"}), exit_usage);
    EXPECT_EQ(io.err(),
              "heregoes test: /nonexistent: the dialogs folder does not exist; pass --dialogs "
              "DIR\n");
}

TEST(test_command, a_missing_safety_folder_is_named_with_the_command) {
    const captured_output io;
    EXPECT_EQ(run(run_test, {fixtures + "/transcripts", "--dialogs", fixtures + "/dialogs"}),
              exit_usage);
    EXPECT_EQ(io.err(),
              "heregoes test: cannot load the safety gate: " + fixtures +
                  "/dialogs/safety: the safety data folder does not exist; pass --safety DIR (it "
                  "holds patterns/, messages/ and resources.json)\n");
}

TEST(chat, a_seed_that_is_not_a_whole_number_is_a_usage_error) {
    const captured_output io;
    EXPECT_EQ(run(run_chat, {"--seed", "x"}), exit_usage);
    EXPECT_EQ(io.err().rfind("heregoes chat: --seed must be a whole number, got `x`\n", 0), 0u)
        << io.err();
}

TEST(chat, an_unknown_dialog_names_the_folder_it_looked_in) {
    const captured_output io;
    EXPECT_EQ(run(run_chat, {"--dialogs", fixtures + "/dialogs", "--dialog", "absent"}),
              exit_usage);
    EXPECT_EQ(io.err(),
              "heregoes chat: no dialog `absent` loaded from " + fixtures +
                  "/dialogs (see the problems above, or pass --dialog ID)\n");
}

} // namespace
} // namespace heregoes::cli
