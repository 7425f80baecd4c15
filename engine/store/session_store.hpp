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

// One bot message frame kept for replay after a reconnect, sealed.
struct sealed_frame {
    std::uint32_t seq = 0;
    std::string sealed;
};

// One turn's worth of changes, applied atomically.
struct session_write {
    session_key key{};
    std::uint64_t expected_version = 0; // 0 creates the session; otherwise the version it replaces
    std::string sealed_state;           // the encoded session, sealed
    std::vector<sealed_frame> frames;   // this turn's bot frames, appended for replay
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

    // Fetches the replay frames with seq greater than `after`, in order.
    virtual void frames_after(session_key key,
                              std::uint32_t after,
                              std::function<void(expected<std::vector<sealed_frame>>)> done) = 0;

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
