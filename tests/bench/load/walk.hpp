#pragma once

// A scripted walk through a dialog: the frames a simulated person sends, in order. A session sends
// the start frame once, then the walk's turns, then {"type":"restart"}, then the turns again, so it
// keeps cycling through the same real states for as long as the run lasts. The same walk drives
// every contender (against the echo server each frame is simply echoed), so all of them carry the
// same request bytes.

#include "engine/core/expected.hpp"

#include <string>
#include <vector>

namespace heregoes::bench {

struct walk {
    std::string start_frame; // {"type":"start",...}: opens the session, answered by the greeting
    std::vector<std::string> turns; // serialized client frames, sent one per turn
    std::string restart_frame;      // {"type":"restart"}: sent after the last turn to cycle again

    // Frame for step `step` of a session's cycle (0..turns.size()): the turns, then the restart.
    const std::string& frame_at(std::size_t step) const {
        return step < turns.size() ? turns[step] : restart_frame;
    }
    // Number of steps in one cycle (the turns plus the restart).
    std::size_t cycle_length() const { return turns.size() + 1; }
};

// Reads a walk file: {"dialog": "...", "locale": "..", "turns": [{"type":"choice","id":".."},
// ...]}. Errors name the file and the JSON pointer of the bad value.
heregoes::expected<walk> load_walk(const std::string& path);

} // namespace heregoes::bench
