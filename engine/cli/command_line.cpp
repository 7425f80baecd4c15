// Subcommand argument parsing and help text; see command_line.hpp.

#include "engine/cli/command_line.hpp"

#include "engine/cli/exit_codes.hpp"

#include <iostream>

namespace heregoes::cli {

std::string parsed_arguments::value_or(std::string_view name, std::string fallback) const {
    const auto it = values.find(name);
    return it == values.end() ? std::move(fallback) : it->second;
}

expected<parsed_arguments> parse_arguments(const command_spec& spec,
                                           std::span<const std::string> args) {
    parsed_arguments parsed;
    bool only_positionals = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& word = args[i];
        if (only_positionals || word.size() < 2 || word[0] != '-') {
            parsed.positionals.push_back(word);
            continue;
        }
        if (word == "--") {
            only_positionals = true;
            continue;
        }
        if (word == "-h" || word == "--help") {
            parsed.help = true;
            continue;
        }
        if (word.rfind("--", 0) != 0) {
            return fail("usage", "unknown option `" + word + "`");
        }
        std::string name = word.substr(2);
        std::string value;
        bool has_inline_value = false;
        if (const auto eq = name.find('='); eq != std::string::npos) {
            value = name.substr(eq + 1);
            name.resize(eq);
            has_inline_value = true;
        }
        const option_spec* option = nullptr;
        for (const auto& o : spec.options) {
            if (o.name == name) {
                option = &o;
            }
        }
        if (option == nullptr) {
            return fail("usage", "unknown option `--" + name + "`");
        }
        if (option->value_name.empty()) {
            if (has_inline_value) {
                return fail("usage", "`--" + name + "` takes no value");
            }
        } else if (!has_inline_value) {
            if (i + 1 >= args.size()) {
                return fail("usage",
                            "`--" + name + "` needs a value: --" + name + " " +
                                std::string(option->value_name));
            }
            value = args[++i];
        }
        parsed.values[name] = value;
    }
    if (parsed.help) {
        return parsed;
    }
    if (parsed.positionals.size() < spec.min_positionals) {
        return fail("usage", "missing argument: expected " + std::string(spec.arguments));
    }
    if (parsed.positionals.size() > spec.max_positionals) {
        return fail("usage",
                    "unexpected argument `" + parsed.positionals[spec.max_positionals] + "`");
    }
    return parsed;
}

void print_help(const command_spec& spec, std::ostream& out) {
    out << "usage: heregoes " << spec.name;
    if (!spec.options.empty()) {
        out << " [options]";
    }
    if (!spec.arguments.empty()) {
        out << ' ' << spec.arguments;
    }
    out << "\n\n" << spec.summary << '\n';
    if (!spec.details.empty()) {
        out << '\n' << spec.details << '\n';
    }
    out << "\noptions:\n";
    constexpr std::size_t column = 26; // where option help starts, so the lines line up
    for (const auto& o : spec.options) {
        std::string left = "  --" + std::string(o.name);
        if (!o.value_name.empty()) {
            left += ' ' + std::string(o.value_name);
        }
        out << left << std::string(left.size() < column ? column - left.size() : 1, ' ') << o.help
            << '\n';
    }
    out << "  --help" << std::string(column - 8, ' ') << "show this help\n";
}

int usage_error(const command_spec& spec, const error& e, std::ostream& err) {
    err << "heregoes " << spec.name << ": " << e.message << '\n'
        << "usage: heregoes " << spec.name << (spec.options.empty() ? "" : " [options]")
        << (spec.arguments.empty() ? "" : " ") << spec.arguments << '\n'
        << "try `heregoes " << spec.name << " --help`\n";
    return exit_usage;
}

command_start start_command(const command_spec& spec, std::span<const std::string> args) {
    auto parsed = parse_arguments(spec, args);
    if (!parsed) {
        return {std::nullopt, usage_error(spec, parsed.error(), std::cerr)};
    }
    if (parsed->help) {
        print_help(spec, std::cout);
        return {std::nullopt, exit_ok};
    }
    return {std::move(*parsed), exit_ok};
}

std::string dialogs_folder(const parsed_arguments& parsed) {
    return parsed.value_or("dialogs", "dialogs");
}

} // namespace heregoes::cli
