#pragma once

// `heregoes chat`: a conversation with a dialog in the terminal. Bot messages are printed as
// "[topic] text" with their choices numbered; the person types a number, a choice's label, or
// free text. It reads lines until end of input, so it is scriptable through stdin and works
// without a TTY. Nothing typed is logged or stored.

#include "engine/core/safety_gate.hpp"
#include "engine/dialog/dialog.hpp"

#include <cstdint>
#include <istream>
#include <ostream>
#include <string>

namespace heregoes::authoring {

struct chat_settings {
    std::string locale = "en";
    std::uint64_t seed = 1;
    bool interactive = false; // print a "> " prompt and hints (a person at a TTY)
};

// Runs the conversation from the first turn until end of input or "/quit".
void run_terminal_chat(const dialog::dialog& d,
                       const safety::gate& gate,
                       const chat_settings& settings,
                       std::istream& in,
                       std::ostream& out);

} // namespace heregoes::authoring
