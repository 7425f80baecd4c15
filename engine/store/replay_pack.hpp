#pragma once

// How one turn's replay frames are kept as one value. A turn sends one to a few bot frames, and
// storing each as its own row cost the SQLite store a B-tree insert (and later a delete) per frame;
// packing them makes a turn one row. The pack is a plain concatenation of records, each
//   [seq: 4 bytes big-endian][length: 4 bytes big-endian][length bytes: the sealed frame]
// in increasing seq order. The frames inside stay sealed one by one, so a pack holds nothing the
// store could read.

#include "engine/core/expected.hpp"
#include "engine/store/session_store.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace heregoes::store {

// Appends the pack of `frames` (in the order given) to `out`.
void pack_frames(const std::vector<sealed_frame>& frames, std::string& out);

// Appends the frames of `pack` with seq greater than `after` to `out`, in order. A truncated
// record or a seq that does not increase is an error ("replay_corrupt") naming the byte offset;
// `out` then keeps only the frames read before it.
expected<void>
unpack_frames(std::string_view pack, std::uint32_t after, std::vector<sealed_frame>& out);

} // namespace heregoes::store
