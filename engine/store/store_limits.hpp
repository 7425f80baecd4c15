#pragma once

// Limits every session store keeps the same, so the in-memory and SQLite stores behave alike and a
// test written against one holds for the other.

#include <cstddef>
#include <cstdint>

namespace heregoes::store {

// Replay frames kept per session; older ones are dropped as new ones arrive. A client that was
// away for more than this many bot messages restarts its view from the session's current point,
// and the bound keeps one long session from growing the store without limit.
inline constexpr std::size_t max_frames_kept = 512;

// The seq at or before which frames have left the replay window, once the newest frame kept has
// seq `newest_seq`. Stores keep whole turns, so a turn straddling this edge stays until it is
// wholly behind it, and its older frames are not replayed.
constexpr std::uint32_t replay_window_after(std::uint32_t newest_seq) {
    return newest_seq > max_frames_kept ? newest_seq - static_cast<std::uint32_t>(max_frames_kept)
                                        : 0;
}

// Writes (saves, erases, purges) waiting for the writer at once. Beyond this the store is falling
// behind the disk; a new save then completes with write_status::failed (and an erase with false)
// at once rather than queueing without bound or blocking a network thread.
inline constexpr std::size_t max_queued_writes = 8192;

// Reads (load, frames_after) waiting at once; beyond this a read completes with error
// "store_busy", for the same reason.
inline constexpr std::size_t max_queued_reads = 8192;

} // namespace heregoes::store
