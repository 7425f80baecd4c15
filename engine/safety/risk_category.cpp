// Names of the risk categories, as the pattern packs spell them (see risk_category.hpp).

#include "engine/safety/risk_category.hpp"

#include <array>

namespace heregoes::safety {
namespace {

constexpr std::array<std::string_view, risk_category_count> names = {
    "passive_ideation",  "active_ideation",       "imminent_act",      "method_seeking",
    "method_location",   "preparatory_act",       "burdensomeness",    "future_absence",
    "self_harm",         "self_harm_severe",      "harm_to_others",    "child_abuse",
    "minor_cue",         "domestic_abuse",        "elder_abuse",       "timing_cue",
    "means_cue",         "seriousness_cue",       "distress",          "hopelessness",
    "identity_question", "third_party_self_harm", "third_party_child", "third_party_abuse",
    "privacy_command",   "third_party_threat",
};

static_assert(risk_category_count <= 32, "categories must fit the 32-bit window of safety_state");
static_assert(static_cast<std::size_t>(risk_category::third_party_threat) + 1 ==
              risk_category_count);

} // namespace

std::string_view to_string(risk_category c) noexcept {
    return names[static_cast<std::size_t>(c)];
}

std::optional<risk_category> risk_category_from_string(std::string_view name) noexcept {
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (names[i] == name) {
            return static_cast<risk_category>(i);
        }
    }
    return std::nullopt;
}

} // namespace heregoes::safety
