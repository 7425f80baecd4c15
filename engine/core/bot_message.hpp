#pragma once

// What the engine says: one bot message, already rendered in the session's locale. The dialog
// runtime and the safety layer both produce these; adapters turn them into frames (protocol v1) or
// platform messages (buttons, or numbered text where a platform has none).

#include "engine/core/topic.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace heregoes {

// A quick reply offered with a message.
struct choice {
    std::string id;    // stable id the client sends back: {"type":"choice","id":"..."}
    std::string label; // rendered label in the session's locale
};

// Bit flags on a bot message. Adapters render them; the protocol lists them by name.
enum message_flag : std::uint32_t {
    flag_none = 0,
    flag_crisis = 1u << 0,      // part of the crisis path: look distinct, keep help reachable
    flag_help_note = 1u << 1,   // a normal answer carrying one gentle line about where help is
    flag_opener_card = 1u << 2, // the person's rehearsed opening line, offered as a card to keep
    flag_disclosure = 1u << 3,  // says the bot is automated and who reads the chat
};

// Names of the flags, as listed in protocol frames ("crisis", "help_note", ...).
std::vector<std::string> flag_names(std::uint32_t flags);

struct bot_message {
    std::string id; // stable text id ("welcome.hello", "safety.check"), for tests and review
    heregoes::topic topic{};     // the topic of the state (or crisis) that produced it
    std::string text;            // rendered text
    std::vector<choice> choices; // quick replies; empty when none
    std::uint32_t typing_ms = 0; // pacing hint for the client
    bool await = false; // true on the last message of a turn: the engine now waits for input
    std::uint32_t flags = flag_none;
    std::uint32_t seq = 0; // position in the session's message history, from 1; set by the runtime
};

} // namespace heregoes
