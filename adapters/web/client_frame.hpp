#pragma once

// Client-to-server frames of protocol v1 (docs/protocol.md): parsing one JSON text frame into a
// typed value, or into the protocol error the client should get back. This is the boundary where
// untrusted bytes become engine input, so it checks every field's type and size and never throws.

#include "adapters/web/protocol_error.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace heregoes::web {

// What the parser holds a frame to; the server fills these from its configuration.
struct frame_limits {
    // The largest frame accepted, in bytes. A chat message is short; 4 KiB leaves room for a long
    // paragraph in any script while keeping a flood of frames cheap to reject.
    std::size_t max_frame_bytes = 4096;
    // The longest free text accepted, in Unicode code points. Longer than anything a person types
    // into a chat box in one go; the dialog keeps at most 280 characters of any capture anyway.
    std::size_t max_text_chars = 1000;
};

// Ids (dialog, locale, choice) and tokens are short by design: a dialog id is [a-z0-9-]+, a token
// is 43 characters. Anything longer than this is not one of ours, and bounding it keeps a junk
// field from travelling further into the server.
inline constexpr std::size_t max_id_bytes = 128;

struct client_frame {
    enum class kind : std::uint8_t { start, text, choice, restart, forget };

    kind kind = kind::start;
    std::string dialog;               // start: requested dialog id; empty means the default
    std::string locale;               // start: requested locale; empty means the default
    std::optional<std::string> token; // start: present when resuming
    std::uint32_t last_seq = 0;       // start with token: the last seq the client has
    std::string value;                // text: the text; choice: the choice id
};

// A frame that could not be parsed: the code to send back and a sentence for the client's
// developer. The message never repeats the input.
struct frame_error {
    protocol_error code = protocol_error::bad_json;
    std::string message;
};

// The result of parsing: a frame or the error to answer with.
struct parsed_frame {
    std::optional<client_frame> frame;
    frame_error error;
};

// Parses one text frame. Never throws; every rejection names the protocol error code.
parsed_frame parse_client_frame(std::string_view payload, const frame_limits& limits);

// Number of Unicode code points in valid UTF-8 text (continuation bytes are not counted).
std::size_t count_code_points(std::string_view utf8) noexcept;

} // namespace heregoes::web
