// `heregoes test`: runs golden transcripts and reports coverage per dialog and locale.

#include "engine/authoring/transcript_runner.hpp"
#include "engine/cli/command_line.hpp"
#include "engine/cli/commands.hpp"
#include "engine/cli/exit_codes.hpp"
#include "engine/cli/runtime_setup.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <iostream>

namespace heregoes::cli {
namespace {

namespace fs = std::filesystem;

// Folders are searched for transcripts this deep; deeper is a symlink loop or the wrong path.
constexpr std::size_t max_search_depth = 16;

void find_transcripts(const fs::path& dir, std::size_t depth, std::vector<fs::path>& out) {
    if (depth > max_search_depth) {
        return;
    }
    std::error_code ec;
    std::vector<fs::path> entries;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        entries.push_back(it->path());
    }
    std::sort(entries.begin(), entries.end());
    for (const auto& p : entries) {
        if (fs::is_directory(p, ec)) {
            find_transcripts(p, depth + 1, out);
        } else if (p.extension() == ".transcript") {
            out.push_back(p);
        }
    }
}

std::string percent(const authoring::coverage_counts& c) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%zu/%zu %.1f%%", c.covered, c.total, c.percent());
    return buffer;
}

} // namespace

int run_test(std::span<const std::string> args) {
    const command_spec spec{
        "test",
        "PATH...",
        "Run golden transcript tests (*.transcript) and report coverage.",
        "PATH is a transcript or a folder searched for *.transcript files (format in\n"
        "docs/dialog-format.md). Every failure is printed as file:line with expected versus got.\n"
        "Coverage is reported per dialog and locale: states entered, transitions taken (each\n"
        "choice, intent, route, next branch, no-match step, call/return, capture) and text ids "
        "said.\n"
        "Exit status: 0 all passed (and coverage at least --min-coverage), 1 failures or low\n"
        "coverage, 2 usage error or nothing to run.",
        {
            {"dialogs", "DIR", "folder of dialog files (default: dialogs)"},
            {"min-coverage", "PCT", "fail when state, transition or string coverage is below PCT"},
            {"safety", "DIR", "safety data folder (default: DIR/safety of --dialogs)"},
            {"region", "CODE", "crisis resources region (default: US)"},
            {"verbose", "", "list passing transcripts and what is not covered"},
        },
        1,
        many_positionals,
    };
    const command_start start = start_command(spec, args);
    if (!start.arguments) {
        return start.exit_status;
    }
    const parsed_arguments& parsed = *start.arguments;
    double min_coverage = 0;
    if (parsed.has("min-coverage")) {
        const std::string text = parsed.value_or("min-coverage", "");
        const auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), min_coverage);
        if (ec != std::errc{} || p != text.data() + text.size() || min_coverage < 0 ||
            min_coverage > 100) {
            return usage_error(
                spec,
                fail("usage", "--min-coverage must be a number from 0 to 100, got `" + text + "`"),
                std::cerr);
        }
    }
    std::vector<fs::path> files;
    for (const auto& p : parsed.positionals) {
        std::error_code ec;
        if (fs::is_directory(p, ec)) {
            find_transcripts(p, 0, files);
        } else if (fs::exists(p, ec)) {
            files.emplace_back(p);
        } else {
            std::cerr << p << ": no such file or directory\n";
            return exit_usage;
        }
    }
    if (files.empty()) {
        std::cerr << "heregoes test: no *.transcript files in the given paths\n";
        return exit_usage;
    }
    const auto dialogs = load_command_dialogs(spec, parsed, std::cerr);
    if (!dialogs) {
        return exit_usage;
    }
    const auto gate = load_command_gate(spec, parsed, std::cerr);
    if (!gate) {
        return exit_usage;
    }
    const bool verbose = parsed.has("verbose");
    authoring::transcript_runner runner(dialogs, *gate);
    std::size_t failed = 0;
    for (const auto& file : files) {
        const auto t = authoring::load_transcript(file.string());
        if (!t) {
            ++failed;
            std::cout << "FAIL " << t.error().to_string() << '\n';
            continue;
        }
        if (const auto failure = runner.run(*t)) {
            ++failed;
            std::cout << "FAIL " << failure->to_string() << '\n';
        } else if (verbose) {
            std::cout << "pass " << file.string() << '\n';
        }
    }
    std::cout << files.size() - failed << " of " << files.size() << " transcript(s) passed\n";

    std::vector<std::string> low;
    std::cout << "coverage (covered/total):\n";
    for (const auto& row : runner.coverage()) {
        std::cout << "  " << row.dialog_id << " v" << row.version << " " << row.locale << ": "
                  << row.transcripts << " transcript(s), states " << percent(row.states)
                  << ", transitions " << percent(row.transitions) << ", strings "
                  << percent(row.strings) << '\n';
        if (verbose) {
            const auto list = [](const char* what, const std::vector<std::string>& items) {
                for (const auto& i : items) {
                    std::cout << "      not covered " << what << ": " << i << '\n';
                }
            };
            list("state", row.uncovered_states);
            list("transition", row.uncovered_transitions);
            list("string", row.uncovered_strings);
        }
        const std::string name = row.dialog_id + " " + row.locale;
        if (row.states.percent() < min_coverage) {
            low.push_back(name + " states " + percent(row.states));
        }
        if (row.transitions.percent() < min_coverage) {
            low.push_back(name + " transitions " + percent(row.transitions));
        }
        if (row.strings.percent() < min_coverage) {
            low.push_back(name + " strings " + percent(row.strings));
        }
    }
    for (const auto& l : low) {
        std::cout << "coverage below " << min_coverage << "%: " << l << '\n';
    }
    return failed > 0 || !low.empty() ? exit_findings : exit_ok;
}

} // namespace heregoes::cli
