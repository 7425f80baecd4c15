#pragma once

// A safety gate for the runtime's tests: it returns the results a test scripts, one per input
// (pass once the script runs out), appends a recognisable message when it takes over or answers,
// and records what it was shown, so tests can check the runtime's side of the gate contract without
// the real safety layer.

#include "engine/core/safety_gate.hpp"

#include <deque>
#include <string>
#include <vector>

namespace heregoes::dialog::testing {

class scripted_gate final : public safety::gate {
public:
    // Results to return, in order; pass after the last.
    mutable std::deque<safety::gate_result> script;
    // What before_input saw ("text:...", "choice:...").
    mutable std::vector<std::string> seen;
    mutable int notes = 0;

    safety::gate_result before_input(safety::safety_state& state,
                                     const safety::gate_input& input,
                                     std::string_view,
                                     std::vector<bot_message>& out) const override {
        seen.push_back(
            std::string(input.kind == safety::gate_input::kind::text ? "text:" : "choice:") +
            std::string(input.value));
        if (state.turns_seen < 255) {
            ++state.turns_seen;
        }
        if (script.empty()) {
            return safety::gate_result::pass;
        }
        const safety::gate_result result = script.front();
        script.pop_front();
        if (result == safety::gate_result::took_over) {
            state.current = safety::safety_state::mode::paused;
            bot_message m;
            m.id = "safety.check";
            m.topic = topic::crisis;
            m.text = "Are you safe right now?";
            m.flags = flag_crisis;
            m.choices.push_back({"safety.back", "Go back"});
            out.push_back(std::move(m));
        }
        if (result == safety::gate_result::answered) {
            bot_message m;
            m.id = "safety.disclosure";
            m.topic = topic::about;
            m.text = "I'm an automated guide.";
            m.flags = flag_disclosure;
            m.await = true;
            out.push_back(std::move(m));
        }
        return result;
    }

    void append_note(const safety::safety_state&,
                     std::string_view,
                     std::vector<bot_message>& out) const override {
        ++notes;
        bot_message m;
        m.id = "safety.note";
        m.topic = topic::crisis; // the runtime must replace this with the answer's topic
        m.text = "If you need help now, call your local emergency number.";
        m.flags = flag_help_note;
        out.push_back(std::move(m));
    }
};

} // namespace heregoes::dialog::testing
