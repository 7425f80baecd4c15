// Micro-benchmarks of the dialog runtime. The targets (docs/performance.md, issue 2): median turn
// at most 2 µs for a choice and 10 µs for free text matched against every intent pattern, and a
// session of a typical walk encoded in at most 256 bytes (reported as the `bytes` counter).
// Run: bench_dialog --benchmark_repetitions=5 --benchmark_report_aggregates_only=true

#include "engine/dialog/dialog.hpp"
#include "engine/dialog/session_codec.hpp"
#include "engine/dialog/turn.hpp"

#include <benchmark/benchmark.h>

#include <cstdio>
#include <memory>

namespace {

using namespace heregoes::dialog;

// A gate that passes every input, so the numbers are the dialog's own cost.
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

std::shared_ptr<const dialog> load(const char* path) {
    auto loaded = load_dialog(path, load_options{});
    if (!loaded) {
        std::fprintf(stderr, "%s\n", loaded.error().to_string().c_str());
        return nullptr;
    }
    return *loaded;
}

const std::shared_ptr<const dialog>& fixture() {
    static const auto d = load(HEREGOES_BENCH_FIXTURE);
    return d;
}

const std::shared_ptr<const dialog>& default_dialog() {
    static const auto d = load(HEREGOES_BENCH_DIALOG);
    return d;
}

// Toggles between two states of the fixture with choices: menu -> expect -> menu -> ...
void turn_choice_fixture(benchmark::State& state) {
    const auto& d = fixture();
    if (!d) {
        state.SkipWithError("the fixture dialog did not load");
        return;
    }
    const passing_gate gate;
    session s = new_session(*d, "en", 1);
    turn_output out;
    step(*d, gate, s, {input::kind::start, {}}, out);
    bool at_menu = true;
    for (auto _ : state) {
        step(*d, gate, s, {input::kind::choice, at_menu ? "expect" : "back"}, out);
        at_menu = !at_menu;
        benchmark::DoNotOptimize(out.messages.data());
    }
}
BENCHMARK(turn_choice_fixture);

// Walks the default dialog pressing the first offered choice each turn (restarting at an end):
// choice turns over real content, conditions and templates.
void turn_choice_default_dialog(benchmark::State& state) {
    const auto& d = default_dialog();
    if (!d) {
        state.SkipWithError("dialogs/first-session.json did not load");
        return;
    }
    const passing_gate gate;
    session s = new_session(*d, "en", 1);
    turn_output out;
    step(*d, gate, s, {input::kind::start, {}}, out);
    std::string next;
    for (auto _ : state) {
        if (out.messages.empty() || out.messages.back().choices.empty()) {
            step(*d, gate, s, {input::kind::restart, {}}, out);
            continue;
        }
        next = out.messages.back().choices.front().id;
        step(*d, gate, s, {input::kind::choice, next}, out);
        benchmark::DoNotOptimize(out.messages.data());
    }
}
BENCHMARK(turn_choice_default_dialog);

// Free text through the default dialog: normalised and matched against all of its intent
// patterns in one pass, then routed.
void turn_free_text_default_dialog(benchmark::State& state) {
    const auto& d = default_dialog();
    if (!d) {
        state.SkipWithError("dialogs/first-session.json did not load");
        return;
    }
    const passing_gate gate;
    session s = new_session(*d, "en", 1);
    turn_output out;
    step(*d, gate, s, {input::kind::start, {}}, out);
    const std::string_view text = "Will my therapist tell my parents what I say?";
    for (auto _ : state) {
        step(*d, gate, s, {input::kind::text, text}, out);
        benchmark::DoNotOptimize(out.messages.data());
    }
    state.counters["patterns"] = 0; // filled below for the report
    std::size_t patterns = 0;
    for (const auto& l : d->source().strings) {
        if (l.locale == "en") {
            for (const auto& [id, intent] : l.intents) {
                (void)id;
                patterns += intent.patterns.size();
            }
        }
    }
    state.counters["patterns"] = static_cast<double>(patterns);
}
BENCHMARK(turn_free_text_default_dialog);

// Free text that matches nothing: every pattern is tried and no-match escalation runs.
void turn_free_text_no_match_fixture(benchmark::State& state) {
    const auto& d = fixture();
    if (!d) {
        state.SkipWithError("the fixture dialog did not load");
        return;
    }
    const passing_gate gate;
    session s = new_session(*d, "en", 1);
    turn_output out;
    step(*d, gate, s, {input::kind::start, {}}, out);
    for (auto _ : state) {
        step(*d, gate, s, {input::kind::text, "I am not sure what to say about any of this"}, out);
        benchmark::DoNotOptimize(out.messages.data());
    }
}
BENCHMARK(turn_free_text_no_match_fixture);

// A session after a typical walk of the default dialog (a dozen choices and one captured line).
session walked_session() {
    const auto& d = default_dialog();
    const passing_gate gate;
    session s = new_session(*d, "en", 0x9E3779B97F4A7C15ull);
    turn_output out;
    step(*d, gate, s, {input::kind::start, {}}, out);
    for (int i = 0; i < 12 && !out.messages.empty() && !out.messages.back().choices.empty(); ++i) {
        const std::string next = out.messages.back().choices.front().id;
        step(*d, gate, s, {input::kind::choice, next}, out);
    }
    step(*d,
         gate,
         s,
         {input::kind::text,
          "Talking about this is hard and I'm scared, but not talking isn't helping either."},
         out);
    return s;
}

void session_encode(benchmark::State& state) {
    if (!default_dialog()) {
        state.SkipWithError("dialogs/first-session.json did not load");
        return;
    }
    const session s = walked_session();
    std::string bytes;
    for (auto _ : state) {
        encode_session(s, bytes);
        benchmark::DoNotOptimize(bytes.data());
    }
    state.counters["bytes"] = static_cast<double>(bytes.size());
}
BENCHMARK(session_encode);

void session_decode(benchmark::State& state) {
    if (!default_dialog()) {
        state.SkipWithError("dialogs/first-session.json did not load");
        return;
    }
    const std::string bytes = encode_session(walked_session());
    for (auto _ : state) {
        auto s = decode_session(bytes);
        benchmark::DoNotOptimize(s);
    }
    state.counters["bytes"] = static_cast<double>(bytes.size());
}
BENCHMARK(session_decode);

} // namespace

BENCHMARK_MAIN();
