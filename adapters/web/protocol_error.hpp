#pragma once

// The error codes of protocol v1 (docs/protocol.md), as one enum with stable wire names. Every
// `{"type":"error"}` frame the server sends carries one of these; metrics count errors by the same
// names, so an operator can see which mistakes clients make without ever seeing what they sent.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace heregoes::web {

enum class protocol_error : std::uint8_t {
    bad_json,       // the frame is not a JSON object (or not a text frame)
    too_large,      // the frame or its text exceeds a limit
    unknown_type,   // "type" is missing or not in the known set
    missing_field,  // a required field is absent or has the wrong JSON type
    not_started,    // text, choice or restart before start
    unknown_choice, // the choice id is not offered at this point
    rate_limited,   // too many frames; wait and retry
    bad_token,      // the resume token is unknown, expired or erased
    unknown_dialog, // no dialog with that id is loaded
    unknown_locale, // the dialog has no strings for that locale
    internal,       // the server could not complete the turn; nothing changed
};

// Number of codes; keep in step with the enum (checked in protocol_error.cpp).
inline constexpr std::size_t protocol_error_count = 11;

// The wire name ("bad_json").
std::string_view to_string(protocol_error code) noexcept;

// Parses a wire name; nullopt for anything else.
std::optional<protocol_error> protocol_error_from_string(std::string_view name) noexcept;

// A plain sentence for the code, used when the place that found the error has nothing to add.
std::string_view default_message(protocol_error code) noexcept;

} // namespace heregoes::web
