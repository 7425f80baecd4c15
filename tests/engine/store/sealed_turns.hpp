#pragma once

// A turn's replay frames sealed the way the server seals them, and kept replay opened the way the
// server opens it, for tests that store real sealed frames and read them back as text.

#include "engine/store/replay_pack.hpp"
#include "engine/store/sealing.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace heregoes::store::testing {

// The frames `texts`, numbered from `first_seq`, packed and sealed as one turn.
inline turn_frames sealed_turn(const session_sealer& sealer,
                               std::uint32_t first_seq,
                               const std::vector<std::string>& texts) {
    std::string pack;
    std::uint32_t seq = first_seq;
    for (const auto& text : texts) {
        append_record(pack, seq++, text);
    }
    return turn_frames{first_seq, seq - 1, *sealer.seal(seal_purpose::turn_frames, pack)};
}

// The frames `kept` replays, opened with `sealer`; a failure to open is a test failure.
inline std::vector<std::string> opened(const session_sealer& sealer, const kept_replay& kept) {
    std::vector<std::string> frames;
    auto result = open_replay(sealer, kept, frames);
    EXPECT_TRUE(result) << result.error().to_string();
    return frames;
}

} // namespace heregoes::store::testing
