// Fuzz target: protocol v1 client frames. Any bytes must parse into a frame or a protocol error,
// never crash; an accepted frame's fields respect the limits, and error frames built from the
// result are valid JSON that never repeat the input.

#include "adapters/web/client_frame.hpp"
#include "adapters/web/server_frame.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view payload(reinterpret_cast<const char*>(data), size);
    const heregoes::web::frame_limits limits{};
    const auto parsed = heregoes::web::parse_client_frame(payload, limits);
    std::string out;
    if (parsed.frame) {
        const auto& f = *parsed.frame;
        if (f.dialog.size() > heregoes::web::max_id_bytes ||
            f.locale.size() > heregoes::web::max_id_bytes ||
            (f.token && f.token->size() > heregoes::web::max_id_bytes) ||
            heregoes::web::count_code_points(f.value) > limits.max_text_chars) {
            std::abort();
        }
        heregoes::bot_message echo;
        echo.text = f.value;
        echo.id = f.dialog;
        heregoes::web::append_bot_frame(out, echo);
    } else {
        heregoes::web::append_error_frame(out, parsed.error.code, parsed.error.message);
    }
    if (nlohmann::json::accept(out) == false && !parsed.frame) {
        std::abort();
    }
    return 0;
}
