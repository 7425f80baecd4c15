// Fuzz target: the golden transcript parser on arbitrary bytes. It must return a transcript or an
// error naming file:line:column, never crash or hang; a parsed transcript's steps all carry a line.

#include "engine/authoring/transcript.hpp"

#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto parsed = heregoes::authoring::parse_transcript(text, "fuzz.transcript");
    if (parsed) {
        for (const auto& step : parsed->steps) {
            if (step.line == 0) {
                std::abort(); // every step must say where it came from
            }
        }
    } else if (parsed.error().where.rfind("fuzz.transcript:", 0) != 0) {
        std::abort(); // every error must name its place
    }
    return 0;
}
