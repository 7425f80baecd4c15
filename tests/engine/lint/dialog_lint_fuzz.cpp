// Fuzz target: every lint check on whatever model the loader makes of arbitrary bytes. The input
// is a graph file, optionally followed by a line "----" and the English strings file (the same
// shape as the dialog_loader target). The checks walk graphs with loops, calls and unknown
// targets, so they must terminate and never crash on any model, even a partial one.

#include "engine/dialog/loader.hpp"
#include "engine/lint/lint.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    constexpr std::string_view separator = "\n----\n";
    const std::size_t split = text.find(separator);
    std::map<std::string, std::string> strings;
    if (split != std::string_view::npos) {
        strings["en"] = std::string(text.substr(split + separator.size()));
    }
    const auto loaded =
        heregoes::dialog::load_model_from_text(text.substr(0, split), "fuzz.json", strings);
    if (loaded.model) {
        const auto diagnostics = heregoes::lint::lint_model(*loaded.model);
        (void)diagnostics;
    }
    return 0;
}
