// Names of the fixed topic vocabulary, in enum order.

#include "engine/core/topic.hpp"

#include <array>

namespace heregoes {
namespace {

constexpr std::array<std::string_view, topic_count> topic_names{
    "welcome",
    "about",
    "menu",
    "expect",
    "confidentiality",
    "minors",
    "judgment",
    "rehearsal",
    "trust",
    "practical",
    "crisis",
    "closing",
    "fallback",
};
static_assert(static_cast<std::size_t>(topic::fallback) + 1 == topic_count);

} // namespace

std::string_view to_string(topic t) noexcept {
    return topic_names[static_cast<std::size_t>(t)];
}

std::optional<topic> topic_from_string(std::string_view name) noexcept {
    for (std::size_t i = 0; i < topic_names.size(); ++i) {
        if (topic_names[i] == name) {
            return static_cast<topic>(i);
        }
    }
    return std::nullopt;
}

} // namespace heregoes
