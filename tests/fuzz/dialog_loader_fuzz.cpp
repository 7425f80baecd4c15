// Fuzz target: the dialog loader, compiler and first turns on arbitrary bytes. The input is a
// graph file, optionally followed by a line "----" and the English strings file; the loader must
// answer with a model or diagnostics, never crash; any model, even a partial one, must compile
// or be refused; and a dialog that compiles must run.

#include "engine/dialog/dialog.hpp"
#include "engine/dialog/loader.hpp"
#include "engine/dialog/turn.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace {

// A gate that passes everything: the fuzzer exercises the dialog, not the safety layer.
class passing_gate final : public heregoes::safety::gate {
public:
    heregoes::safety::gate_result before_input(heregoes::safety::safety_state&,
                                               const heregoes::safety::gate_input&,
                                               std::string_view,
                                               std::vector<heregoes::bot_message>&) const override {
        return heregoes::safety::gate_result::pass;
    }
    void append_note(const heregoes::safety::safety_state&,
                     std::string_view,
                     std::vector<heregoes::bot_message>&) const override {}
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace heregoes::dialog;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    constexpr std::string_view separator = "\n----\n";
    const std::size_t split = text.find(separator);
    const std::string_view graph = text.substr(0, split);
    std::map<std::string, std::string> strings;
    if (split != std::string_view::npos) {
        strings["en"] = std::string(text.substr(split + separator.size()));
    }
    load_result loaded = load_model_from_text(graph, "fuzz.json", strings);
    if (!loaded.model) {
        return 0;
    }
    // Partial models (with diagnostics) are compiled too: the linter does that.
    // Exercise the views the linter uses.
    (void)edges(*loaded.model);
    (void)text_uses(*loaded.model);
    (void)variable_uses(*loaded.model);
    compile_result compiled = compile(std::move(*loaded.model), load_options{});
    if (compiled.dialog == nullptr || !compiled.dialog->has_locale("en")) {
        return 0;
    }
    const passing_gate gate;
    session s = new_session(*compiled.dialog, "en", size);
    turn_output out;
    step(*compiled.dialog, gate, s, input{input::kind::start, {}}, out);
    step(*compiled.dialog, gate, s, input{input::kind::text, "help me, I'm not sure"}, out);
    if (!out.messages.empty() && !out.messages.back().choices.empty()) {
        const std::string id = out.messages.back().choices.front().id;
        step(*compiled.dialog, gate, s, input{input::kind::choice, id}, out);
    }
    step(*compiled.dialog, gate, s, input{input::kind::text, "x"}, out);
    return 0;
}
