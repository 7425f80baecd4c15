// Fuzz target: the condition parser and evaluator on arbitrary text. Parsing must return a tree
// or an error, never crash or recurse without bound; a tree must compile and evaluate.

#include "engine/dialog/condition.hpp"

#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace heregoes::dialog;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto parsed = parse_condition(text);
    if (!parsed) {
        return 0;
    }
    (void)parsed->names();
    // Every name resolves to one of four variables, chosen by its length.
    auto program = compile_condition(
        *parsed, [](std::string_view name) { return static_cast<int>(name.size() % 4); });
    if (!program) {
        return 0;
    }
    static const std::string_view values[] = {"", "trust", "yes", "x"};
    (void)program->evaluate([](std::uint8_t v) { return values[v % 4]; }, size % 2 == 0);
    return 0;
}
