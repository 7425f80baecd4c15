#pragma once

// The turn: (dialog, session, input) -> (session', bot messages). Pure and fast: no I/O, no
// clock, no global state; the same inputs always give the same outputs. Every input passes the
// safety gate first (engine/core/safety_gate.hpp), so no dialog can skip the crisis screen.

#include "engine/core/bot_message.hpp"
#include "engine/core/safety_gate.hpp"
#include "engine/dialog/session.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace heregoes::dialog {

class dialog; // compiled, immutable; see dialog.hpp

struct input {
    enum class kind : std::uint8_t {
        start,   // run the first turn of a fresh session
        text,    // free text; `value` is what the person typed
        choice,  // a quick reply; `value` is the choice id
        restart, // begin the dialog again (variables cleared, safety memory kept)
    };
    kind kind = kind::start;
    std::string_view value;
};

enum class turn_status : std::uint8_t {
    ok,
    unknown_choice, // the choice id is not offered at this point; nothing changed
    not_started,    // text or choice before the start turn; nothing changed
};

struct turn_output {
    std::vector<bot_message> messages; // this turn's messages; the last has await = true
    bool ended = false;                // the dialog reached an end state
    bool forget_requested = false;     // the person asked to erase their data ("delete my data")
    std::vector<state_index> entered;  // states entered this turn, in order (coverage, tracing)
    // Working memory the turn reuses between calls (normalised text, matched pattern indexes).
    // Meaningless to callers; emptied by clear(), not wiped: no caller can read typed text in
    // it, though its bytes stay in the buffer until the next turn writes over them.
    std::string scratch_text;
    std::vector<int> scratch_matches;
    // Storage of earlier turns' messages, emptied by clear() and kept for its capacity: the next
    // turn renders into these strings and fills this choice list instead of allocating new ones.
    // Meaningless to callers; all of it is empty (not wiped), so no caller can read text in it.
    std::vector<std::string> spare_strings;
    std::vector<choice> spare_choices;
    // Empties everything above for the next turn, keeping capacity.
    void clear();
};

// Runs one turn in place: updates `s` and fills `out` (cleared first). Reuses `out`'s capacity, so
// a server that keeps one turn_output per thread allocates little per turn.
turn_status
step(const dialog& d, const safety::gate& gate, session& s, const input& in, turn_output& out);

// The value form of step(), for tests and tools.
struct turn_result {
    session next;
    turn_output output;
    turn_status status = turn_status::ok;
};
turn_result turn(const dialog& d, const safety::gate& gate, session s, const input& in);

// A fresh session on `d` in `locale` (which must be one of d.locales()); `seed` picks message
// variants for the session's whole life.
session new_session(const dialog& d, std::string_view locale, std::uint64_t seed);

// Runs the first turn of a fresh session at `state` instead of the dialog's start (transcript
// tests that begin at a named state). Like step() with input::kind::start otherwise.
turn_status start_at(
    const dialog& d, const safety::gate& gate, session& s, state_index state, turn_output& out);

} // namespace heregoes::dialog
