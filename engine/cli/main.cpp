// The `heregoes` executable: one program, one subcommand per job. Each subcommand is a function
// taking the words after its name and returning the exit status; this file only dispatches. To
// add one, add a line to `subcommands` (and link its library in engine/cli/CMakeLists.txt).

#include "engine/cli/commands.hpp"
#include "engine/cli/exit_codes.hpp"
#include "engine/server/serve_command.hpp"

#include <algorithm>
#include <array>
#include <iostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace {

using heregoes::cli::exit_ok;
using heregoes::cli::exit_usage;

struct subcommand {
    std::string_view name;
    std::string_view summary; // one line for `heregoes --help`
    int (*run)(std::span<const std::string> args);
};

constexpr std::array subcommands{
    subcommand{"serve",
               "run the chat server (HTTP, WebSocket, widget, demo page)",
               heregoes::server::run_serve},
    subcommand{"lint", "check dialog, strings and safety data files", heregoes::cli::run_lint},
    subcommand{"graph", "print a dialog's state graph (dot or mermaid)", heregoes::cli::run_graph},
    subcommand{"chat", "talk to a dialog in the terminal", heregoes::cli::run_chat},
    subcommand{"test", "run golden transcripts and report coverage", heregoes::cli::run_test},
    subcommand{"strings", "list a dialog's user-visible strings", heregoes::cli::run_strings},
    subcommand{"diff", "show user-visible changes between two versions", heregoes::cli::run_diff},
};

void print_usage(std::ostream& out) {
    out << "usage: heregoes COMMAND [options] [args]\n\ncommands:\n";
    for (const auto& c : subcommands) {
        out << "  " << c.name << std::string(10 - std::min<std::size_t>(c.name.size(), 9), ' ')
            << c.summary << '\n';
    }
    out << "\n`heregoes COMMAND --help` describes one command.\n";
}

const subcommand* find(std::string_view name) {
    for (const auto& c : subcommands) {
        if (c.name == name) {
            return &c;
        }
    }
    return nullptr;
}

} // namespace

int main(int argc, char** argv) {
    const std::vector<std::string> words(argv + (argc > 0 ? 1 : 0), argv + argc);
    if (words.empty()) {
        print_usage(std::cerr);
        return exit_usage;
    }
    const std::string& name = words[0];
    if (name == "--help" || name == "-h" || name == "help") {
        if (words.size() > 1) {
            if (const auto* c = find(words[1])) {
                const std::vector<std::string> help{"--help"};
                return c->run(help);
            }
        }
        print_usage(std::cout);
        return exit_ok;
    }
    if (name == "--version") {
        std::cout << "heregoes " << HEREGOES_VERSION << '\n';
        return exit_ok;
    }
    const auto* c = find(name);
    if (c == nullptr) {
        std::cerr << "heregoes: unknown command `" << name << "`\n\n";
        print_usage(std::cerr);
        return exit_usage;
    }
    return c->run(std::span<const std::string>(words).subspan(1));
}
