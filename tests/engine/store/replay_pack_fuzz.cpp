// Fuzz target: replay packs and kept replay on arbitrary bytes. A pack either unpacks to records
// that pack back to the same bytes or is refused as "replay_corrupt"; opening kept replay never
// crashes, whether the bytes arrive sealed around a pack (so the pack reader sees them behind a
// valid seal) or as a stored blob of either form, which can only be refused.

#include "engine/store/replay_pack.hpp"

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace heregoes::store;
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);

    std::vector<frame_record> records;
    auto unpacked = unpack_frames(bytes, 0, records);
    if (unpacked) {
        std::string again;
        pack_frames(records, again);
        // A pack that reads is what its records pack to, after a first record of seq 0 (which
        // no frame has, and which unpacking leaves out as not after 0).
        if (!bytes.ends_with(again) || (bytes.size() != again.size() &&
                                        (bytes.size() < record_header_bytes ||
                                         bytes.substr(0, 4) != std::string_view("\0\0\0\0", 4)))) {
            std::abort();
        }
    } else if (unpacked.error().code != "replay_corrupt") {
        std::abort();
    }

    static const session_sealer sealer =
        *session_sealer::derive("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8");
    auto sealed = sealer.seal(seal_purpose::turn_frames, bytes);
    if (!sealed) {
        return 0; // larger than anything sealed; nothing to open
    }
    const std::uint32_t last_seq = unpacked && !records.empty() ? records.back().seq : 0;
    const kept_replay kept{0,
                           {{replay_form::turn, last_seq, *sealed},
                            {replay_form::turn, last_seq, std::string(bytes)},
                            {replay_form::frame, last_seq + 1, std::string(bytes)}}};
    std::vector<std::string> out;
    auto opened = open_replay(sealer, kept, out);
    if (opened) {
        std::abort(); // raw bytes never open as a seal
    }
    const bool first_opens = unpacked && !records.empty();
    if (first_opens != (out.size() == records.size() && !records.empty())) {
        std::abort();
    }
    for (std::size_t i = 0; first_opens && i < out.size(); ++i) {
        if (out[i] != records[i].bytes) {
            std::abort(); // frames must come back as they were packed
        }
    }
    const std::string& code = opened.error().code;
    if (code != "unsealable" && code != "replay_corrupt") {
        std::abort();
    }
    return 0;
}
