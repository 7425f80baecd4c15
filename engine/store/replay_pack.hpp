#pragma once

// How a turn's replay frames are kept as one value, and how kept replay is opened again. A pack is
// a plain concatenation of records, each
//   [seq: 4 bytes big-endian][length: 4 bytes big-endian][length bytes: the frame]
// in increasing seq order. A turn's frames are packed as they were sent and the pack is sealed as
// one blob (replay_form::turn), so a turn costs one seal and one SQLite row. Rows written before
// schema 4 hold a pack of frames that were sealed one by one (replay_form::frame); the store can
// still read those, since their seqs are in the clear, but no longer writes them.

#include "engine/core/expected.hpp"
#include "engine/store/sealing.hpp"
#include "engine/store/session_store.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace heregoes::store {

// One record of a pack: a frame's seq and its bytes (plain inside a turn's blob, sealed in an
// older row).
struct frame_record {
    std::uint32_t seq = 0;
    std::string bytes;
};

// Bytes of a record's header: the seq and the length, 4 bytes each.
inline constexpr std::size_t record_header_bytes = 8;

// Appends one record to `pack`; records must be appended in increasing seq order.
void append_record(std::string& pack, std::uint32_t seq, std::string_view bytes);

// Appends the pack of `records` (in the order given) to `out`.
void pack_frames(const std::vector<frame_record>& records, std::string& out);

// Appends the records of `pack` with seq greater than `after` to `out`, in order. A truncated
// record or a seq that does not increase is an error ("replay_corrupt") naming the byte offset;
// `out` then keeps only the records read before it.
expected<void>
unpack_frames(std::string_view pack, std::uint32_t after, std::vector<frame_record>& out);

// Opens `kept` with the session's keys and appends the frames with seq greater than kept.after
// to `out`, oldest first, byte for byte as they were first sent. A blob that does not open (another
// session's, or changed) is "unsealable"; a blob that opens to a damaged pack, or to frames that
// do not end at the seq its row names, is "replay_corrupt". `out` then keeps the frames before it.
expected<void>
open_replay(const session_sealer& sealer, const kept_replay& kept, std::vector<std::string>& out);

} // namespace heregoes::store
