#pragma once

// The subcommands of `heregoes` this layer implements. Each takes the words after its name and
// returns the process exit status (exit_codes.hpp); each prints its own --help. main.cpp lists
// them in its table; other layers add theirs (e.g. `serve`) the same way.

#include <span>
#include <string>

namespace heregoes::cli {

// heregoes lint [--strict] [--today YYYY-MM-DD] PATH...
int run_lint(std::span<const std::string> args);
// heregoes graph [--format dot|mermaid] FILE
int run_graph(std::span<const std::string> args);
// heregoes chat [--dialog ID] [--locale xx] [--dialogs DIR] [--seed N] [--safety DIR] [--region R]
int run_chat(std::span<const std::string> args);
// heregoes test [--dialogs DIR] [--min-coverage PCT] [--verbose] PATH...
int run_test(std::span<const std::string> args);
// heregoes strings [--locale xx] [--dialogs DIR] DIALOG
int run_strings(std::span<const std::string> args);
// heregoes diff OLD NEW
int run_diff(std::span<const std::string> args);

} // namespace heregoes::cli
