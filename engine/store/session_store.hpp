#pragma once

// Where sessions live between turns. Implementations: in-memory (tests, ephemeral deployments) and
// SQLite (the embedded default: one file, WAL); Redis for multi-node deployments plugs in here too.
//
// The store only ever sees sealed bytes: session state and replay frames are encrypted with a key
// derived from the session's token (sealing.hpp) and filed under the token's hash, so a copy of the
// store reveals nothing a person typed. Calls never block the caller: each takes a completion that
// runs on a store thread once the work is durable; the server posts the result back to the
// session's executor. Per-session optimistic concurrency: a write names the version it replaces.

#include "engine/core/expected.hpp"

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace heregoes::store {

// SHA-256 of a session token: the only form of the token the server keeps.
using session_key = std::array<std::uint8_t, 32>;

// One turn's bot frames kept for replay after a reconnect: the frames first_seq..last_seq, packed
// with their seqs (replay_pack.hpp) and sealed as one blob (seal_purpose::turn_frames). One seal
// per turn rather than one per frame: most of a seal's cost is OpenSSL's per-call overhead.
struct turn_frames {
    std::uint32_t first_seq = 0;
    std::uint32_t last_seq = 0;
    std::string sealed;
};

// How a piece of kept replay was sealed.
enum class replay_form : std::uint8_t {
    frame = 0, // one frame sealed alone (seal_purpose::frame): replay rows written before schema 4
               // of the SQLite store hold their frames this way, and stay readable
    turn = 1,  // a turn's frames sealed together (turn_frames): everything written now
};

// One sealed piece of kept replay, as frames_after returns it; open_replay (replay_pack.hpp)
// opens it with the session's keys.
struct sealed_replay {
    replay_form form = replay_form::turn;
    std::uint32_t last_seq = 0; // the seq of its frame (form frame) or of its turn's last frame
    std::string sealed;
};

// What frames_after finds, oldest first. A turn's blob holds the whole turn, so the oldest one
// may also hold frames the caller is not owed: only frames with seq greater than `after` are
// replayed.
struct kept_replay {
    std::uint32_t after = 0;
    std::vector<sealed_replay> sealed;
};

// One turn's worth of changes, applied atomically.
struct session_write {
    session_key key{};
    std::uint64_t expected_version = 0; // 0 creates the session; otherwise the version it replaces
    std::string sealed_state;           // the encoded session, sealed
    std::optional<turn_frames> frames;  // this turn's bot frames, appended for replay (if any)
    std::vector<std::string> sealed_transcript; // person's and bot's lines, only when opted in
    std::int64_t now_unix = 0;                  // last activity, for the idle TTL
};

enum class write_status : std::uint8_t {
    ok,       // durable
    conflict, // another writer changed the session first; reload and retry
    failed,   // the store could not write; the error went to the log
};

struct stored_session {
    std::uint64_t version = 0;
    std::string sealed_state;
    std::int64_t touched_unix = 0;
};

class session_store {
public:
    virtual ~session_store() = default;

    // Applies a write; `done` runs once it is durable (or failed). New version = expected + 1.
    virtual void save(session_write write, std::function<void(write_status)> done) = 0;

    // Fetches a session; nullopt when there is none under that key (unknown, expired or erased).
    virtual void load(session_key key,
                      std::function<void(expected<std::optional<stored_session>>)> done) = 0;

    // Fetches the kept replay holding the frames with seq greater than `after`, oldest first.
    // The result's `after` is at least the one asked for: it also leaves out every frame but the
    // newest max_frames_kept (store_limits.hpp), which a stored turn may still hold.
    virtual void frames_after(session_key key,
                              std::uint32_t after,
                              std::function<void(expected<kept_replay>)> done) = 0;

    // Erases everything kept for a session: state, frames, transcript. `done(true)` once durable.
    virtual void erase(session_key key, std::function<void(bool)> done) = 0;

    // Erases sessions idle since before `cutoff_unix` and transcripts past their retention;
    // `done` gets the number of sessions erased.
    virtual void purge(std::int64_t cutoff_unix,
                       std::int64_t transcript_cutoff_unix,
                       std::function<void(std::size_t)> done) = 0;

    // True while the store can serve requests (for /readyz).
    virtual bool ready() const = 0;

    // Blocks until every accepted write is durable. For shutdown only, never on a network thread.
    virtual void flush() = 0;
};

} // namespace heregoes::store
