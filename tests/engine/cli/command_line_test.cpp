// Tests of subcommand argument parsing (engine/cli/command_line.hpp): option forms, the errors
// for unknown options and wrong argument counts, and start_command, the first step every
// subcommand shares (help on stdout, usage errors on stderr, and their exit statuses).

#include "engine/cli/command_line.hpp"
#include "tests/engine/cli/captured_output.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace heregoes::cli {
namespace {

const command_spec spec{
    "demo",
    "FILE",
    "Do a demo thing.",
    "",
    {
        {"format", "dot|mermaid", "output format"},
        {"strict", "", "treat warnings as errors"},
    },
    1,
    1,
};

expected<parsed_arguments> parse(std::vector<std::string> words) {
    return parse_arguments(spec, words);
}

TEST(parse_arguments, reads_separate_and_inline_values_and_flags) {
    const auto p = parse({"--format", "dot", "--strict", "file.json"});
    ASSERT_TRUE(p) << p.error().message;
    EXPECT_EQ(p->value_or("format", ""), "dot");
    EXPECT_TRUE(p->has("strict"));
    EXPECT_EQ(p->positionals, std::vector<std::string>{"file.json"});
    const auto q = parse({"--format=mermaid", "file.json"});
    ASSERT_TRUE(q);
    EXPECT_EQ(q->value_or("format", ""), "mermaid");
}

TEST(parse_arguments, words_after_a_double_dash_are_positional) {
    const auto p = parse({"--", "--strict"});
    ASSERT_TRUE(p) << p.error().message;
    EXPECT_FALSE(p->has("strict"));
    EXPECT_EQ(p->positionals, std::vector<std::string>{"--strict"});
}

TEST(parse_arguments, an_unknown_option_is_named) {
    const auto p = parse({"--bogus", "file.json"});
    ASSERT_FALSE(p);
    EXPECT_EQ(p.error().message, "unknown option `--bogus`");
}

TEST(parse_arguments, a_flag_given_a_value_is_refused) {
    const auto p = parse({"--strict=1", "file.json"});
    ASSERT_FALSE(p);
    EXPECT_EQ(p.error().message, "`--strict` takes no value");
}

TEST(parse_arguments, an_option_missing_its_value_says_what_it_needs) {
    const auto p = parse({"file.json", "--format"});
    ASSERT_FALSE(p);
    EXPECT_EQ(p.error().message, "`--format` needs a value: --format dot|mermaid");
}

TEST(parse_arguments, too_few_and_too_many_positionals_are_refused) {
    const auto none = parse({});
    ASSERT_FALSE(none);
    EXPECT_EQ(none.error().message, "missing argument: expected FILE");
    const auto two = parse({"a.json", "b.json"});
    ASSERT_FALSE(two);
    EXPECT_EQ(two.error().message, "unexpected argument `b.json`");
}

TEST(parse_arguments, help_wins_over_a_missing_argument) {
    const auto p = parse({"--help"});
    ASSERT_TRUE(p);
    EXPECT_TRUE(p->help);
}

TEST(start_command, help_is_printed_on_stdout_and_the_command_ends_with_exit_ok) {
    const testing::captured_output io;
    const std::vector<std::string> words{"-h"};
    const command_start start = start_command(spec, words);
    EXPECT_FALSE(start.arguments.has_value());
    EXPECT_EQ(start.exit_status, exit_ok);
    EXPECT_EQ(io.out(),
              "usage: heregoes demo [options] FILE\n\nDo a demo thing.\n\noptions:\n"
              "  --format dot|mermaid    output format\n"
              "  --strict                treat warnings as errors\n"
              "  --help                  show this help\n");
    EXPECT_EQ(io.err(), "");
}

TEST(start_command, a_usage_error_is_printed_on_stderr_and_ends_with_exit_usage) {
    const testing::captured_output io;
    const std::vector<std::string> words{"--bogus"};
    const command_start start = start_command(spec, words);
    EXPECT_FALSE(start.arguments.has_value());
    EXPECT_EQ(start.exit_status, exit_usage);
    EXPECT_EQ(io.out(), "");
    EXPECT_EQ(io.err(),
              "heregoes demo: unknown option `--bogus`\n"
              "usage: heregoes demo [options] FILE\n"
              "try `heregoes demo --help`\n");
}

TEST(start_command, good_arguments_are_handed_on_without_printing) {
    const testing::captured_output io;
    const std::vector<std::string> words{"file.json"};
    const command_start start = start_command(spec, words);
    ASSERT_TRUE(start.arguments.has_value());
    EXPECT_EQ(start.arguments->positionals, std::vector<std::string>{"file.json"});
    EXPECT_EQ(io.out() + io.err(), "");
}

TEST(dialogs_folder, defaults_to_dialogs_and_follows_the_option) {
    parsed_arguments parsed;
    EXPECT_EQ(dialogs_folder(parsed), "dialogs");
    parsed.values["dialogs"] = "elsewhere";
    EXPECT_EQ(dialogs_folder(parsed), "elsewhere");
}

} // namespace
} // namespace heregoes::cli
