#pragma once

// A session is a small value: where one person is in one dialog. It holds no pointers into a
// loaded dialog, only indexes and ids, so it can be saved, restored on another node, and carried
// over to a newer version of its dialog. Serialised by session_codec.hpp.

#include "engine/core/safety_gate.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace heregoes::dialog {

using state_index = std::uint16_t;
using variable_index = std::uint8_t;

struct variable_value {
    variable_index index = 0; // index in the dialog's variable table
    std::string value;
    bool operator==(const variable_value&) const = default;
};

// Visits to a state that declares max_visits; other states are not counted.
struct visit_count {
    state_index state = 0;
    std::uint8_t count = 0;
    bool operator==(const visit_count&) const = default;
};

struct session {
    enum class status : std::uint8_t {
        fresh,   // created, the start turn has not run
        waiting, // waiting for the person at `state`
        ended,   // the dialog reached an end state; restart begins again
    };

    std::string dialog_id;
    std::uint32_t dialog_version = 0;
    std::string locale; // "en", "es", ...
    status current = status::fresh;
    state_index state = 0;
    std::uint8_t no_match = 0;           // consecutive inputs the current state did not understand
    std::vector<state_index> call_stack; // where each active sub-dialog call returns to
    std::vector<variable_value> vars;    // only variables that are set
    std::vector<visit_count> visits;
    std::uint16_t topics_seen = 0; // bit per topic visited, for the closing summary
    std::uint64_t seed = 0;        // picks message variants; fixed for the session's life
    std::uint32_t seq = 0;         // seq of the last bot message produced
    safety::safety_state safety;

    bool operator==(const session&) const = default;
};

} // namespace heregoes::dialog
