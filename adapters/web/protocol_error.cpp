// Wire names and default messages of the protocol v1 error codes. The messages are written for the
// developer of a client (the widget shows its own words to the person), and never repeat what the
// client sent: an error frame may be logged by a proxy, and the input may be something personal.

#include "adapters/web/protocol_error.hpp"

namespace heregoes::web {

namespace {

struct code_text {
    std::string_view name;
    std::string_view message;
};

constexpr std::array<code_text, protocol_error_count> code_texts{{
    {"bad_json", "The frame is not a JSON object. Send one JSON object per text frame."},
    {"too_large", "The frame or its text is longer than this server accepts."},
    {"unknown_type",
     "The frame's \"type\" is missing or unknown. Known types: start, text, choice, restart, "
     "forget."},
    {"missing_field", "A required field is missing or has the wrong JSON type."},
    {"not_started", "Send {\"type\":\"start\"} before anything else on this connection."},
    {"unknown_choice", "That choice is not offered at this point in the conversation."},
    {"rate_limited", "Too many messages in a short time. Wait a moment and try again."},
    {"bad_token",
     "This session token is unknown, expired or erased. Start a new session without a token."},
    {"unknown_dialog", "No dialog with that id is loaded on this server."},
    {"unknown_locale", "The dialog has no text in that language."},
    {"internal", "The server could not complete this step; nothing changed. Try again."},
}};

static_assert(static_cast<std::size_t>(protocol_error::internal) + 1 == protocol_error_count,
              "protocol_error_count must match the enum");

} // namespace

std::string_view to_string(protocol_error code) noexcept {
    return code_texts[static_cast<std::size_t>(code)].name;
}

std::optional<protocol_error> protocol_error_from_string(std::string_view name) noexcept {
    for (std::size_t i = 0; i < code_texts.size(); ++i) {
        if (code_texts[i].name == name) {
            return static_cast<protocol_error>(i);
        }
    }
    return std::nullopt;
}

std::string_view default_message(protocol_error code) noexcept {
    return code_texts[static_cast<std::size_t>(code)].message;
}

} // namespace heregoes::web
