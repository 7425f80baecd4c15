#pragma once

// A safety gate for the authoring tests: passes every input except the text "crisis words", which
// it answers itself with one crisis message, so tests can check that transcripts and the chat go
// through the gate without depending on the safety layer's data files.

#include "engine/core/safety_gate.hpp"

namespace heregoes::authoring::testing {

class scripted_gate final : public safety::gate {
public:
    safety::gate_result before_input(safety::safety_state&,
                                     const safety::gate_input& input,
                                     std::string_view,
                                     std::vector<bot_message>& out) const override {
        if (input.kind == safety::gate_input::kind::text && input.value == "crisis words") {
            bot_message m;
            m.id = "safety.crisis";
            m.topic = topic::crisis;
            m.text = "You deserve support right now.";
            m.flags = flag_crisis;
            m.await = true;
            out.push_back(m);
            return safety::gate_result::took_over;
        }
        return safety::gate_result::pass;
    }

    void append_note(const safety::safety_state&,
                     std::string_view,
                     std::vector<bot_message>& out) const override {
        bot_message m;
        m.id = "safety.note";
        m.text = "If you need help now, call your local emergency number.";
        m.flags = flag_help_note;
        out.push_back(m);
    }
};

} // namespace heregoes::authoring::testing
