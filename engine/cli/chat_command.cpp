// `heregoes chat`: talk to a dialog in the terminal, through the real safety gate.

#include "engine/authoring/terminal_chat.hpp"
#include "engine/cli/command_line.hpp"
#include "engine/cli/commands.hpp"
#include "engine/cli/exit_codes.hpp"
#include "engine/cli/runtime_setup.hpp"

#include <charconv>
#include <iostream>

#include <unistd.h>

namespace heregoes::cli {

int run_chat(std::span<const std::string> args) {
    const command_spec spec{
        "chat",
        "",
        "Talk to a dialog in the terminal (numbered choices and free text).",
        "Type a choice's number or words, or anything in your own words; /restart starts again,\n"
        "/help-now shows where to get urgent help, /quit or Ctrl-D leaves. Without a terminal it\n"
        "reads one input per line from stdin and exits at end of input, so it can be scripted:\n"
        "  printf '1\\nwhat happens in a first session?\\n' | heregoes chat --locale en\n"
        "Every input passes the safety gate, as on the server. Nothing typed is stored.",
        {
            {"dialog", "ID", "dialog to run (default: first-session)"},
            {"locale", "xx", "locale (default: en)"},
            {"dialogs", "DIR", "folder of dialog files (default: dialogs)"},
            {"seed", "N", "seed for message variants (default: 1)"},
            {"safety", "DIR", "safety data folder (default: DIR/safety of --dialogs)"},
            {"region", "CODE", "crisis resources region: US, UK, IE, CA, fallback (default: US)"},
        },
        0,
        0,
    };
    const command_start start = start_command(spec, args);
    if (!start.arguments) {
        return start.exit_status;
    }
    const parsed_arguments& parsed = *start.arguments;
    authoring::chat_settings settings;
    settings.locale = parsed.value_or("locale", "en");
    const std::string seed_text = parsed.value_or("seed", "1");
    const auto [p, ec] =
        std::from_chars(seed_text.data(), seed_text.data() + seed_text.size(), settings.seed);
    if (ec != std::errc{} || p != seed_text.data() + seed_text.size()) {
        return usage_error(spec,
                           fail("usage", "--seed must be a whole number, got `" + seed_text + "`"),
                           std::cerr);
    }
    settings.interactive = isatty(STDIN_FILENO) != 0;

    const std::string dialog_id = parsed.value_or("dialog", "first-session");
    const auto dialogs = load_command_dialogs(spec, parsed, std::cerr);
    if (!dialogs) {
        return exit_usage;
    }
    const auto d = dialogs->latest(dialog_id);
    if (!d) {
        std::cerr << "heregoes chat: no dialog `" << dialog_id << "` loaded from "
                  << dialogs_folder(parsed) << " (see the problems above, or pass --dialog ID)\n";
        return exit_usage;
    }
    if (!d->has_locale(settings.locale)) {
        std::cerr << "heregoes chat: dialog `" << dialog_id << "` has no locale `"
                  << settings.locale << "`\n";
        return exit_usage;
    }
    const auto gate = load_command_gate(spec, parsed, std::cerr);
    if (!gate) {
        return exit_usage;
    }
    authoring::run_terminal_chat(*d, *gate, settings, std::cin, std::cout);
    return exit_ok;
}

} // namespace heregoes::cli
