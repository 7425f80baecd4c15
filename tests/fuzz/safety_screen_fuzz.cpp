// Fuzz target: the safety normaliser, screen and gate on arbitrary bytes. The input is split into
// messages at newlines; a line starting with "safety." is sent as a quick reply, anything else as
// text, alternating locales, through one session's safety state. Nothing may crash, and the gate
// must always leave its state in a valid mode with a message whenever it takes over.

#include "engine/safety/normaliser.hpp"
#include "engine/safety/screening_gate.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string_view>

namespace {

const heregoes::safety::screening_gate& shipped_gate() {
    using namespace heregoes::safety;
    static const std::unique_ptr<screening_gate> gate = [] {
        gate_options o;
        o.data_dir = std::string(HEREGOES_SOURCE_DIR) + "/dialogs/safety";
        o.region = "US";
        o.today = {2026, 12, 1};
        o.allow_expired_resources = true; // fuzzing must not depend on review dates
        auto loaded = load_gate(o);
        if (!loaded) {
            std::fprintf(stderr, "%s\n", loaded.error().to_string().c_str());
            std::abort();
        }
        return std::move(*loaded);
    }();
    return *gate;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace heregoes::safety;
    const auto& gate = shipped_gate();
    const std::string_view input(reinterpret_cast<const char*>(data), size);

    const auto whole = normalise(input, {});
    if (whole.text.size() > 4 * max_screened_bytes + 64) {
        std::abort(); // folding never grows text beyond a few bytes per input byte
    }

    safety_state state;
    std::vector<heregoes::bot_message> out;
    std::size_t start = 0;
    int turn = 0;
    while (start <= input.size()) {
        const std::size_t end = std::min(input.find('\n', start), input.size());
        const std::string_view line = input.substr(start, end - start);
        const bool choice = line.substr(0, 7) == "safety.";
        const char* locale = (turn++ % 2 == 0) ? "en" : "es";
        out.clear();
        const auto result = gate.before_input(
            state, {choice ? gate_input::kind::choice : gate_input::kind::text, line}, locale, out);
        if (result == gate_result::took_over && out.empty()) {
            std::abort();
        }
        if (result == gate_result::pass_with_note) {
            gate.append_note(state, locale, out);
        }
        if (static_cast<int>(state.current) > 2) {
            std::abort();
        }
        start = end + 1;
    }
    return 0;
}
