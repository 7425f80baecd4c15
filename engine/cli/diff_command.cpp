// `heregoes diff`: the user-visible text and graph changes between two versions of a dialog.

#include "engine/authoring/dialog_diff.hpp"
#include "engine/cli/command_line.hpp"
#include "engine/cli/commands.hpp"
#include "engine/cli/exit_codes.hpp"
#include "engine/cli/model_loading.hpp"

#include <iostream>

namespace heregoes::cli {

int run_diff(std::span<const std::string> args) {
    const command_spec spec{
        "diff",
        "OLD NEW",
        "Show the user-visible text that changed between two versions of a dialog.",
        "OLD and NEW are graph files (each with its strings/ folder beside it). Prints, per "
        "locale,\n"
        "the text ids added, removed or reworded with old and new text, then a summary of graph\n"
        "changes. Exit status: 0 no changes, 1 changes, 2 usage error.",
        {},
        2,
        2,
    };
    const command_start start = start_command(spec, args);
    if (!start.arguments) {
        return start.exit_status;
    }
    const parsed_arguments& parsed = *start.arguments;
    const auto old_model = load_model_for_tool(parsed.positionals[0], std::cerr);
    const auto new_model = load_model_for_tool(parsed.positionals[1], std::cerr);
    if (!old_model || !new_model) {
        return exit_usage;
    }
    const auto diff = authoring::diff_dialogs(*old_model, *new_model);
    std::cout << authoring::format_diff(*old_model, *new_model, diff);
    return diff.empty() ? exit_ok : exit_findings;
}

} // namespace heregoes::cli
