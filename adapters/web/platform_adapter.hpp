#pragma once

// The boundary messaging platforms plug into. Protocol v1 over WebSocket is the first adapter; the
// next ones (Telegram, Slack, WhatsApp, SMS) turn their webhooks into `platform_event`s, hand them
// to the engine as dialog input, and render the engine's bot messages back, with choices as native
// buttons where the platform has them and as numbered text where it has none (SMS) or too few.

#include "engine/core/bot_message.hpp"
#include "engine/dialog/turn.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace heregoes::adapters {

// One thing a person did on a platform, already checked and decoded by the platform's adapter.
struct platform_event {
    enum class kind : std::uint8_t {
        start,   // a new conversation (or "/start")
        text,    // free text
        choice,  // a button press carrying a choice id
        restart, // the platform's "start over" command
        forget,  // the platform's "delete my data" command
    };
    kind kind = kind::text;
    std::string conversation; // the platform's stable id for this chat, never shown or logged
    std::string value;        // text or choice id
};

// What a platform can render. Choices beyond what the platform shows become numbered text.
struct platform_capabilities {
    bool buttons = false;            // quick-reply buttons exist at all
    std::size_t max_buttons = 0;     // the most buttons one message may carry
    std::size_t max_label_chars = 0; // longest button label, in code points (0: no limit)
};

// The engine input for an event. `forget` has no dialog input (the caller erases the session), so
// it gives nullopt. The input's value views `event.value`: keep the event alive while it is used.
std::optional<dialog::input> to_engine_input(const platform_event& event);

// True when a message's choices fit the platform's buttons as they are.
bool fits_buttons(const bot_message& message, const platform_capabilities& caps);

// The message as plain text with its choices listed as "1. label" lines, for platforms without
// buttons. The person answers with the number (see `numbered_choice`) or with words.
std::string render_numbered(const bot_message& message);

// Reads a reply like "2" or " 2. " as the choice with that number in `offered`; nullopt when the
// reply is not such a number (then it is free text).
std::optional<std::string_view> numbered_choice(std::string_view reply,
                                                std::span<const choice> offered);

// An adapter for one platform. The server owns one per configured platform and routes their
// webhooks to `decode`; the engine's replies go out through `deliver`.
class platform_adapter {
public:
    virtual ~platform_adapter() = default;

    // The platform's name in configuration, routes and metrics ("telegram").
    virtual std::string_view name() const = 0;

    // What the platform renders natively.
    virtual platform_capabilities capabilities() const = 0;

    // Sends one turn's messages to a conversation, in order; false when the platform refused.
    virtual bool deliver(std::string_view conversation, std::span<const bot_message> messages) = 0;
};

} // namespace heregoes::adapters
