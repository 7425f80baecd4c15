#pragma once

// The boundary between the dialog runtime and the safety layer. The runtime hands every input to
// the gate *before* any dialog logic runs, and the gate may take the turn over. No dialog file can
// reach or switch off this boundary: it is wired in code, not data. The implementation lives in
// engine/safety/; the runtime sees only this interface, so its unit tests can use a scripted gate.

#include "engine/core/bot_message.hpp"

#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

namespace heregoes::safety {

// Per-session safety memory, saved with the session. It holds no text the person typed: only
// which risk categories the last few messages matched (bitsets defined by the safety layer), so a
// risk expressed across two messages is still caught.
struct safety_state {
    enum class mode : std::uint8_t {
        idle,           // no safety conversation in progress
        awaiting_check, // the tier-1 check question was asked; the next input answers it
        paused,         // crisis resources were shown; the dialog waits until the person goes back
    };
    static constexpr std::size_t window_size = 4; // user messages remembered for context

    mode current = mode::idle;
    bool risk_seen = false;      // tier 1 or 2 fired earlier: escalate sooner, keep help pinned
    std::uint8_t concern = 0;    // the safety layer's code for what triggered the current pause
    std::uint8_t turns_seen = 0; // user messages screened so far, saturating at 255
    std::array<std::uint32_t, window_size>
        recent{}; // category bits of recent messages, newest first

    bool operator==(const safety_state&) const = default;
};

// One input as the gate sees it.
struct gate_input {
    enum class kind : std::uint8_t { text, choice };
    kind kind = kind::text;
    std::string_view value; // the free text, or the choice id
};

// What the runtime does after the gate looked at an input.
enum class gate_result : std::uint8_t {
    pass,           // the dialog handles the input as usual
    pass_with_note, // the dialog handles it, then calls append_note for one gentle line about help
    took_over,      // the gate answered (messages appended); the dialog does not see this input
    resume,         // the person chose to go back: the runtime presents the current state again
    answered,       // the gate answered a side question ("are you a bot?") or gave advice about
                    // someone else at risk now: the dialog stays where it is and offers its
                    // current choices again on the gate's last message
};

// Choice ids the gate owns all start with this prefix; "safety.help_now" works at any time.
inline constexpr std::string_view choice_prefix = "safety.";

class gate {
public:
    virtual ~gate() = default;

    // Looks at one input before the dialog does; appends its own messages to `out` when it
    // takes over. Must be deterministic: the same state and input give the same result.
    virtual gate_result before_input(safety_state& state,
                                     const gate_input& input,
                                     std::string_view locale,
                                     std::vector<bot_message>& out) const = 0;

    // Appends the gentle help line promised by pass_with_note, keeping the answer's own topic.
    virtual void append_note(const safety_state& state,
                             std::string_view locale,
                             std::vector<bot_message>& out) const = 0;
};

} // namespace heregoes::safety
