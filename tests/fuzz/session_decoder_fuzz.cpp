// Fuzz target: the session decoder on arbitrary bytes. Garbage must be refused with an error,
// never crash; whatever decodes must encode and decode back to the same session.

#include "engine/dialog/session_codec.hpp"

#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace heregoes::dialog;
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    auto decoded = decode_session(bytes);
    if (!decoded) {
        return 0;
    }
    auto again = decode_session(encode_session(*decoded));
    if (!again || !(*again == *decoded)) {
        std::abort(); // the codec lost or changed something: a real bug
    }
    return 0;
}
