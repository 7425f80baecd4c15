// Fuzz target: the `heregoes serve` configuration file. Any bytes must give a configuration or an
// error naming a place, never a crash; a configuration that applies must also validate or fail
// validation with an error.

#include "engine/server/server_config.hpp"

#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    heregoes::server::server_config config;
    if (heregoes::server::apply_json(config, text, "fuzz.json")) {
        (void)heregoes::server::validate(config);
        (void)heregoes::server::to_json(config);
    }
    return 0;
}
