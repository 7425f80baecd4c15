// `heregoes lint`: runs the validator on files and folders and prints every problem.

#include "engine/cli/command_line.hpp"
#include "engine/cli/commands.hpp"
#include "engine/cli/exit_codes.hpp"
#include "engine/cli/runtime_setup.hpp"
#include "engine/lint/lint.hpp"

#include <iostream>

namespace heregoes::cli {

int run_lint(std::span<const std::string> args) {
    const command_spec spec{
        "lint",
        "PATH...",
        "Check dialog graph files, their strings files and the safety data.",
        "PATH is a file or a folder (searched recursively): graph files dialogs/<id>.json, "
        "strings\n"
        "files dialogs/strings/<locale>/<id>.json (checked with their graph) and the safety data\n"
        "folder dialogs/safety. Every problem is printed as file:line:column (JSON syntax) or\n"
        "file#/json/pointer, with the offending ids. The rules are listed in "
        "docs/dialog-format.md.\n"
        "Exit status: 0 clean (warnings allowed unless --strict), 1 problems found, 2 usage error "
        "or\n"
        "missing path.",
        {
            {"strict", "", "treat warnings as errors"},
            {"quiet", "", "print errors only, not warnings"},
            {"today", "YYYY-MM-DD", "date for crisis resource review checks (default: today, UTC)"},
        },
        1,
        many_positionals,
    };
    const command_start start = start_command(spec, args);
    if (!start.arguments) {
        return start.exit_status;
    }
    const parsed_arguments& parsed = *start.arguments;
    safety::civil_date today = today_utc();
    if (parsed.has("today")) {
        const auto date = parse_today(parsed.value_or("today", ""));
        if (!date) {
            return usage_error(spec, date.error(), std::cerr);
        }
        today = *date;
    }
    std::vector<std::filesystem::path> paths(parsed.positionals.begin(), parsed.positionals.end());
    const lint::lint_result result = lint::lint_paths(paths, today);
    const bool quiet = parsed.has("quiet");
    for (const auto& d : result.diagnostics) {
        if (!quiet || d.severity == lint::severity::error) {
            std::cout << d.to_string() << '\n';
        }
    }
    const std::size_t errors = lint::count(result.diagnostics, lint::severity::error);
    const std::size_t warnings = lint::count(result.diagnostics, lint::severity::warning);
    std::cerr << "lint: " << result.dialogs_checked << " dialog(s), " << result.safety_dirs_checked
              << " safety folder(s): " << errors << " error(s), " << warnings << " warning(s)\n";
    if (result.missing_paths) {
        return exit_usage;
    }
    if (result.dialogs_checked == 0 && result.safety_dirs_checked == 0 && errors == 0) {
        std::cerr << "lint: no dialog files found in the given paths\n";
        return exit_usage;
    }
    if (errors > 0 || (parsed.has("strict") && warnings > 0)) {
        return exit_findings;
    }
    return exit_ok;
}

} // namespace heregoes::cli
