// Fuzz target: the safety data parsers (pattern packs, messages files, crisis resources) on
// arbitrary bytes. Each must return a value or an error naming a place, never crash; what parses
// is then used: a pack screens a short text, resources are reviewed and rendered into messages.

#include "engine/safety/crisis_resources.hpp"
#include "engine/safety/message_catalog.hpp"
#include "engine/safety/pattern_pack.hpp"
#include "engine/safety/screener.hpp"

#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace heregoes::safety;
    const std::string_view text(reinterpret_cast<const char*>(data), size);

    if (auto pack = pattern_pack::parse(text, "fuzz.json")) {
        (void)screen(**pack, "i dont see the point anymore, this homework is killing me");
        (void)(*pack)->classify_answer("yes");
    } else if (pack.error().code.empty()) {
        std::abort();
    }

    auto catalog = parse_resources(text, "fuzz.json");
    if (!catalog) {
        if (catalog.error().where.empty()) {
            std::abort();
        }
    } else {
        static const auto strings =
            load_messages(std::string(HEREGOES_SOURCE_DIR) + "/dialogs/safety/messages/en.json");
        for (const auto& region : catalog->regions) {
            (void)review_resources(region, {2026, 12, 1});
            if (strings) {
                (void)message_catalog::render(*strings, region, {});
            }
        }
    }

    if (auto strings = parse_messages(text, "fuzz.json")) {
        (void)strings->strings.size();
    }
    return 0;
}
