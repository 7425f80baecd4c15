// Benchmarks of the safety screen over the labelled corpus (every must-trigger, near-miss and
// informational line of a locale, taken round-robin so the mix is realistic), of one ordinary
// message, of a long pasted message, and of the whole gate step. Run with repetitions and read
// the median:
//   bench_safety --benchmark_repetitions=10 --benchmark_report_aggregates_only=true

#include "engine/safety/screening_gate.hpp"

#include <benchmark/benchmark.h>

#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

namespace {

using namespace heregoes::safety;

const std::string source_dir = HEREGOES_SOURCE_DIR;

const screening_gate& shipped_gate() {
    static const std::unique_ptr<screening_gate> gate = [] {
        gate_options o;
        o.data_dir = source_dir + "/dialogs/safety";
        o.region = "US";
        o.today = {2026, 12, 1};
        o.allow_expired_resources = true; // a benchmark measures; it does not check review dates
        auto loaded = load_gate(o);
        if (!loaded) {
            std::fprintf(stderr, "%s\n", loaded.error().to_string().c_str());
            std::abort();
        }
        return std::move(*loaded);
    }();
    return *gate;
}

// Every message of a locale's corpus files, one entry per message.
std::vector<std::string> corpus_messages(const std::string& locale) {
    std::vector<std::string> out;
    for (const char* file : {"must_trigger.txt", "near_miss.txt", "informational.txt"}) {
        std::ifstream in(source_dir + "/tests/engine/safety/corpus/" + locale + "/" + file);
        std::string line;
        while (std::getline(in, line)) {
            if (line.empty() || line[0] == '#') {
                continue;
            }
            const auto bar = line.find(" | ");
            std::string rest = bar != std::string::npos && bar < 8 ? line.substr(bar + 3) : line;
            std::size_t start = 0;
            while (true) {
                const auto sep = rest.find(" || ", start);
                out.push_back(
                    rest.substr(start, sep == std::string::npos ? std::string::npos : sep - start));
                if (sep == std::string::npos) {
                    break;
                }
                start = sep + 4;
            }
        }
    }
    return out;
}

void screen_corpus(benchmark::State& state, const std::string& locale) {
    const auto& gate = shipped_gate();
    const auto messages = corpus_messages(locale);
    std::size_t i = 0;
    for (auto _ : state) {
        benchmark::DoNotOptimize(gate.screen_text(locale, messages[i]));
        i = (i + 1) % messages.size();
    }
    state.SetLabel(std::to_string(messages.size()) + " corpus messages");
}

void BM_screen_corpus_en(benchmark::State& state) {
    screen_corpus(state, "en");
}
void BM_screen_corpus_es(benchmark::State& state) {
    screen_corpus(state, "es");
}

void BM_screen_ordinary_message(benchmark::State& state) {
    const auto& gate = shipped_gate();
    const std::string text = "I'm nervous about my first session, what do they usually ask?";
    for (auto _ : state) {
        benchmark::DoNotOptimize(gate.screen_text("en", text));
    }
}

void BM_screen_long_message(benchmark::State& state) {
    const auto& gate = shipped_gate();
    std::string text;
    while (text.size() < 1000) {
        text += "I've been feeling anxious about work and I'm not sure what to say first. ";
    }
    for (auto _ : state) {
        benchmark::DoNotOptimize(gate.screen_text("en", text));
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
}

void BM_gate_step_ordinary_message(benchmark::State& state) {
    const auto& gate = shipped_gate();
    const std::string text = "I'm nervous about my first session, what do they usually ask?";
    std::vector<heregoes::bot_message> out;
    for (auto _ : state) {
        safety_state s;
        out.clear();
        benchmark::DoNotOptimize(gate.before_input(s, {gate_input::kind::text, text}, "en", out));
    }
}

BENCHMARK(BM_screen_corpus_en);
BENCHMARK(BM_screen_corpus_es);
BENCHMARK(BM_screen_ordinary_message);
BENCHMARK(BM_screen_long_message);
BENCHMARK(BM_gate_step_ordinary_message);

} // namespace

BENCHMARK_MAIN();
