#pragma once

// Argument parsing for `heregoes` subcommands. Each subcommand declares its options and how many
// positional arguments it takes; the parser checks them, so every subcommand rejects unknown
// flags the same way and prints the same shape of --help.

#include "engine/cli/exit_codes.hpp"
#include "engine/core/expected.hpp"

#include <cstddef>
#include <map>
#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace heregoes::cli {

struct option_spec {
    std::string_view name;       // without dashes: "format" for --format
    std::string_view value_name; // empty for a flag that takes no value ("strict")
    std::string_view help;       // one line
};

struct command_spec {
    std::string_view name;            // "lint"
    std::string_view arguments;       // positional part of the usage line: "PATH..."
    std::string_view summary;         // one line, also shown by `heregoes --help`
    std::string_view details;         // a paragraph under the usage, may be empty
    std::vector<option_spec> options; // --help is always accepted and need not be listed
    std::size_t min_positionals = 0;
    std::size_t max_positionals = 0; // use many_positionals for "no limit"
};

inline constexpr std::size_t many_positionals = static_cast<std::size_t>(-1);

struct parsed_arguments {
    bool help = false;
    std::vector<std::string> positionals;
    std::map<std::string, std::string, std::less<>> values; // options given, flags map to ""

    bool has(std::string_view name) const { return values.find(name) != values.end(); }
    // The option's value, or `fallback` when it was not given.
    std::string value_or(std::string_view name, std::string fallback) const;
};

// Parses `args` (the words after the subcommand name). Accepts `--name value`, `--name=value`
// and `--` (everything after it is positional). Errors say which word is wrong.
expected<parsed_arguments> parse_arguments(const command_spec& spec,
                                           std::span<const std::string> args);

// Prints "usage: heregoes NAME [options] ARGS", the summary, details and one line per option.
void print_help(const command_spec& spec, std::ostream& out);

// Prints the error and a pointer to --help on `err`, and returns exit_usage.
int usage_error(const command_spec& spec, const error& e, std::ostream& err);

// How a subcommand's first step ended: with the arguments to run on, or with the exit status of
// a command that is already done (its --help printed, or a usage error printed).
struct command_start {
    std::optional<parsed_arguments> arguments; // present when the command should go on
    int exit_status = exit_ok;                 // the status to return when it should not
};

// The first step of every subcommand: parses `args`, prints --help on stdout or a usage error on
// stderr when that is what they call for.
command_start start_command(const command_spec& spec, std::span<const std::string> args);

// The folder of dialog files: --dialogs DIR, or "dialogs" when it was not given.
std::string dialogs_folder(const parsed_arguments& parsed);

} // namespace heregoes::cli
