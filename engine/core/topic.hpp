#pragma once

// The fixed topic vocabulary. Every dialog state carries one and every bot message reports it, so
// analytics, tests and the widget can tell what a message is about without reading its text.

#include <cstdint>
#include <optional>
#include <string_view>

namespace heregoes {

enum class topic : std::uint8_t {
    welcome,
    about,
    menu,
    expect,
    confidentiality,
    minors,
    judgment,
    rehearsal,
    trust,
    practical,
    crisis,
    closing,
    fallback,
};

// Number of topics; keep in step with the enum (a static_assert in topic.cpp checks it).
inline constexpr std::size_t topic_count = 13;

// The topic's name as written in dialog files and the protocol ("confidentiality").
std::string_view to_string(topic t) noexcept;

// Parses a topic name; nullopt when the name is not in the vocabulary.
std::optional<topic> topic_from_string(std::string_view name) noexcept;

} // namespace heregoes
