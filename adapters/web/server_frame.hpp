#pragma once

// Server-to-client frames of protocol v1 (docs/protocol.md), encoded straight into a string. Every
// turn encodes one to a few of these, so they are written by hand (no intermediate JSON tree) into
// a caller's buffer; the output is always valid JSON with every string escaped.

#include "adapters/web/protocol_error.hpp"
#include "engine/core/bot_message.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace heregoes::web {

// The `session` frame's fields.
struct session_info {
    std::string_view token;
    bool resumed = false;
    std::string_view dialog;
    std::uint32_t version = 0;
    std::string_view locale;
};

// Appends {"type":"session",...} to `out`.
void append_session_frame(std::string& out, const session_info& info);

// Appends {"type":"bot",...} for one bot message to `out`.
void append_bot_frame(std::string& out, const bot_message& message);

// Appends {"type":"error","code":...,"message":...} to `out`.
void append_error_frame(std::string& out, protocol_error code, std::string_view message);

// Appends {"type":"forgotten"} to `out`.
void append_forgotten_frame(std::string& out);

// Appends `text` as a JSON string literal (quotes included), escaping what JSON requires.
void append_json_string(std::string& out, std::string_view text);

} // namespace heregoes::web
