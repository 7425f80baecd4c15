#pragma once

// The SQLite session store, the embedded default: one database file in WAL mode, written by one
// dedicated writer thread with group commit, read by a separate reader thread so a slow write batch
// never stalls a resume. Callers never wait on disk: every call queues work and returns;
// completions run on the store's threads once the work is durable (see sqlite_store.cpp for what
// "durable" means under each synchronous mode, and why the default is what it is).

#include "engine/core/expected.hpp"
#include "engine/store/save_handover.hpp"
#include "engine/store/session_store.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace heregoes::store {

// How hard each commit pushes to the disk.
enum class sqlite_sync : std::uint8_t {
    normal, // WAL + synchronous=NORMAL: survives kill -9 of the process; power loss may drop the
            // last commits (the file stays consistent). The default.
    full,   // WAL + synchronous=FULL: every commit is fsynced, so it survives power loss too.
};

struct sqlite_options {
    std::filesystem::path path = "data/sessions.db"; // the parent directory is created if missing
    sqlite_sync synchronous = sqlite_sync::normal;
    // How long a statement waits for a lock held by another process on the same file before
    // failing.
    std::chrono::milliseconds busy_timeout{5000};
    // Where a failed write or read is reported (SQLite's message and the path; never any stored
    // bytes). Unset: one line on stderr. Called on a store thread.
    std::function<void(const error&)> on_error;
    // Runs the completions of one commit's saves, given as one function. Unset: they run on the
    // writer thread as the commit ends. A server passes a function that posts the batch to a
    // network thread: the hand-over then costs one cross-thread post per commit rather than one
    // per turn, and the writer never holds a lock a network thread is waiting for. Erases, purges
    // and checkpoints always complete on the writer thread.
    completion_runner run_completions;
    // The registered SQLite VFS every connection of the store reaches the file through, by name
    // (the writer's log-coalescing layer wraps it). Empty: the system's default. For tests that
    // inject disk faults; a deployment leaves it empty.
    std::string vfs;
};

// The schema version this build writes; a file with a newer one is refused at open.
inline constexpr int sqlite_schema_version = 5;

class sqlite_store final : public session_store {
public:
    // Flushes every queued write, then stops both threads and closes the file.
    ~sqlite_store() override;

    sqlite_store(const sqlite_store&) = delete;
    sqlite_store& operator=(const sqlite_store&) = delete;

    void save(session_write write, std::function<void(write_status)> done) override;
    void load(session_key key,
              std::function<void(expected<std::optional<stored_session>>)> done) override;
    void frames_after(session_key key,
                      std::uint32_t after,
                      std::function<void(expected<kept_replay>)> done) override;
    void erase(session_key key, std::function<void(bool)> done) override;
    void purge(std::int64_t cutoff_unix,
               std::int64_t transcript_cutoff_unix,
               std::function<void(std::size_t)> done) override;
    bool ready() const override;
    // Blocks until every write accepted so far is committed and its completion has run (or, for a
    // save, has been handed to run_completions). Never call it from a completion.
    void flush() override;

    // The sealed transcript lines kept for a session, oldest first (empty unless written).
    void transcript(session_key key, std::function<void(expected<std::vector<std::string>>)> done);

    // Copies the write-ahead log into the database file and truncates the log, so erased bytes are
    // gone from every file, not only from the live pages. The store does this itself after each
    // batch that erased something; this runs one more and returns once it is done. Blocks: never
    // call it on a network thread or from a completion.
    expected<void> checkpoint();

    class engine; // the threads and connections; defined in sqlite_store.cpp

private:
    friend expected<std::unique_ptr<sqlite_store>> open_sqlite_store(const sqlite_options&);
    explicit sqlite_store(std::unique_ptr<engine> engine);

    std::unique_ptr<engine> engine_;
};

// Opens (creating if needed) the store file and starts its threads. Errors name the path and say
// what to do: "store_open" (cannot create the directory or the file, not a database), or
// "store_schema" (written by a newer heregoes).
expected<std::unique_ptr<sqlite_store>> open_sqlite_store(const sqlite_options& options);

} // namespace heregoes::store
