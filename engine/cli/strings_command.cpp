// `heregoes strings`: lists a dialog's user-visible strings in one locale, in graph order.

#include "engine/authoring/string_listing.hpp"
#include "engine/cli/command_line.hpp"
#include "engine/cli/commands.hpp"
#include "engine/cli/exit_codes.hpp"
#include "engine/cli/model_loading.hpp"

#include <algorithm>
#include <iostream>

namespace heregoes::cli {

int run_strings(std::span<const std::string> args) {
    const command_spec spec{
        "strings",
        "DIALOG",
        "List every user-visible string of a dialog with its id and reference, in graph order.",
        "DIALOG is a graph file (dialogs/<id>.json) or a dialog id in ./dialogs. For clinical\n"
        "review and translators: each state's messages, choice labels and reprompts, each text\n"
        "once, where a person first meets it.",
        {
            {"locale", "xx", "locale to list (default: en)"},
            {"dialogs", "DIR", "folder to find a dialog named by id (default: dialogs)"},
        },
        1,
        1,
    };
    const command_start start = start_command(spec, args);
    if (!start.arguments) {
        return start.exit_status;
    }
    const parsed_arguments& parsed = *start.arguments;
    const auto model = load_named_model(parsed, std::cerr);
    if (!model) {
        return exit_findings;
    }
    const std::string locale = parsed.value_or("locale", "en");
    if (std::find(model->locales.begin(), model->locales.end(), locale) == model->locales.end()) {
        std::string known;
        for (const auto& l : model->locales) {
            known += (known.empty() ? "" : ", ") + l;
        }
        std::cerr << "heregoes strings: dialog `" << model->id << "` has no locale `" << locale
                  << "` (it has: " << known << ")\n";
        return exit_usage;
    }
    const auto strings = authoring::list_strings(*model, locale);
    std::cout << authoring::format_string_listing(*model, locale, strings);
    const bool any_missing =
        std::any_of(strings.begin(), strings.end(), [](const auto& s) { return s.missing; });
    return any_missing ? exit_findings : exit_ok;
}

} // namespace heregoes::cli
