#pragma once

// Copies the SQLite store's write-ahead log back into the database file on a thread of its own.
// SQLite's automatic checkpoint runs inside the COMMIT that crosses its threshold: the writer then
// copied about a thousand pages and waited for fdatasync before it could commit again, and every
// turn queued behind it waited too (the store's worst latencies came from there). This thread
// runs a PASSIVE checkpoint, which never blocks the writer, whenever the writer's commit hook
// reports the log has grown past checkpoint_after_frames.

#include "engine/core/expected.hpp"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

struct sqlite3;

namespace heregoes::store {

// New log frames (pages) after which a background pass is asked for: SQLite's own automatic
// threshold, about 4 MB of log on 4 KiB pages.
inline constexpr int checkpoint_after_frames = 1000;

// Log frames beyond which the writer checkpoints itself before its next batch. A pass copies the
// log only up to where it ended when the pass began, and the log can start over only once all of
// it has been copied, which a busy writer never lets a background pass reach. At this size the
// writer copies the little left (the background passes did the rest), and the log starts over:
// about 32 MB of log on disk at most, for a short writer stall every 8,000 pages written.
inline constexpr int checkpoint_hard_limit_frames = 8000;

// The size the log file is cut back to when it starts over, if it grew larger (SQLite's
// journal_size_limit). About twice the log at checkpoint_hard_limit_frames, so a log of the usual
// length is never cut and grown again; a log that grew far past it while the disk was slow, or
// while a reader held an old snapshot, gives the space back instead of keeping that size for good.
inline constexpr std::int64_t log_size_limit_bytes = 64 * 1024 * 1024;

// The error for a checkpoint SQLite could not finish (`why` is SQLite's message): it says that
// nothing committed is lost and what to check. A failed checkpoint, an fsync of the database file
// among them, leaves SQLite's mark of how far the log was copied where it was, so every committed
// page stays in the log, readers keep reading it there, and the next checkpoint copies it again.
error checkpoint_failed(const std::string& path, const std::string& why);

class sqlite_checkpointer {
public:
    // Opens a connection of its own to `path`, through the VFS named `vfs` (null: the default),
    // and starts the thread. `on_error` gets failures.
    static expected<std::unique_ptr<sqlite_checkpointer>>
    start(const std::string& path,
          int nice,
          std::function<void(const error&)> on_error,
          const char* vfs = nullptr);

    // Stops the thread (a pass under way finishes first) and closes the connection.
    ~sqlite_checkpointer();

    sqlite_checkpointer(const sqlite_checkpointer&) = delete;
    sqlite_checkpointer& operator=(const sqlite_checkpointer&) = delete;

    // Asks for a pass; returns at once. Called from the writer's commit hook.
    void request();

private:
    sqlite_checkpointer() = default;
    void run(int nice);

    std::string path_;
    std::function<void(const error&)> on_error_;
    sqlite3* db_ = nullptr;
    std::mutex mutex_;
    std::condition_variable wanted_;
    bool requested_ = false;
    bool stopping_ = false;
    std::thread thread_;
};

} // namespace heregoes::store
