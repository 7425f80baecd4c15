#pragma once

// heregoes::safety::screening_gate, the implementation of the safety gate every input passes
// before any dialog logic (engine/core/safety_gate.hpp). It screens free text with the locale's
// pattern pack, keeps only category bits of recent messages, and answers with fixed, reviewed
// messages: a tier-1 check question, a tier-2 crisis message that pauses the dialog, advice on
// helping someone else who is at risk now, or one gentle help line on a normal answer. Everything
// is loaded and rendered by load_gate(), so the turn path does no I/O and the same state and input
// always give the same output.

#include "engine/core/expected.hpp"
#include "engine/core/safety_gate.hpp"
#include "engine/safety/civil_date.hpp"
#include "engine/safety/message_catalog.hpp"
#include "engine/safety/pattern_pack.hpp"
#include "engine/safety/risk_decision.hpp"
#include "engine/safety/screener.hpp"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace heregoes::safety {

// Choice ids of the safety layer (all start with choice_prefix).
inline constexpr std::string_view choice_yes = "safety.yes";
inline constexpr std::string_view choice_not_now = "safety.not_now";
inline constexpr std::string_view choice_rather_not = "safety.rather_not";
inline constexpr std::string_view choice_help_now = "safety.help_now";
inline constexpr std::string_view choice_back = "safety.back";

// The locale used when a session's locale has no pack or messages of its own.
inline constexpr std::string_view fallback_locale = "en";

struct gate_options {
    std::string data_dir = "dialogs/safety"; // holds patterns/, messages/ and resources.json
    std::string resources_file; // a deployment's own resources file; empty: data_dir's default
    std::string region = "US";  // a region of the resources file: US, UK, IE, CA, fallback
    bool chat_is_read = false;  // whether anyone at the deployment reads the chat
    bool quick_exit = true;     // whether the channel shows an Exit button
    bool allow_expired_resources = false; // start even with resources past their review date
    civil_date today;                     // for the review-date check
};

class screening_gate final : public gate {
public:
    gate_result before_input(safety_state& state,
                             const gate_input& input,
                             std::string_view locale,
                             std::vector<bot_message>& out) const override;

    void append_note(const safety_state& state,
                     std::string_view locale,
                     std::vector<bot_message>& out) const override;

    // The one-line "where to get urgent help" for a locale (the help_note say item of dialogs).
    const bot_message& help_line(std::string_view locale) const;

    // Screens one message without changing any state: for tests, the corpus report and tools.
    screen_result screen_text(std::string_view locale, std::string_view text) const;

    // Locales with both a pack and messages, sorted.
    std::vector<std::string> locales() const;

private:
    friend expected<std::unique_ptr<screening_gate>> load_gate(const gate_options&);

    struct locale_data {
        std::unique_ptr<pattern_pack> pack;
        message_catalog messages;
    };

    const locale_data& data_for(std::string_view locale) const;
    gate_result on_choice(safety_state& state,
                          std::string_view id,
                          const locale_data& data,
                          std::vector<bot_message>& out) const;
    gate_result on_text(safety_state& state,
                        std::string_view text,
                        const locale_data& data,
                        std::vector<bot_message>& out) const;

    std::map<std::string, locale_data, std::less<>> locales_;
};

// Loads every locale's pack and messages under options.data_dir, checks the region's crisis
// resources against options.today and renders the messages. Fails, with a message an operator can
// act on, on any bad file or on an expired resource (unless allow_expired_resources).
expected<std::unique_ptr<screening_gate>> load_gate(const gate_options& options);

} // namespace heregoes::safety
