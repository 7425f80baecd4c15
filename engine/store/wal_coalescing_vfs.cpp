// The write-ahead-log coalescing VFS (see the header for why). Each file SQLite opens through it is
// a `coalescing_file` (forwarding_vfs.hpp) in front of the wrapped VFS's own file object; every
// call forwards to that inner file, and only a log file's writes are held.

#include "engine/store/wal_coalescing_vfs.hpp"

#include "engine/store/forwarding_vfs.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <new>
#include <string>

namespace heregoes::store {
namespace {

constexpr const char* vfs_name = "heregoes-wal-coalescing";

// The log format's frame header: 24 bytes, and bytes 4..7 hold the database size in pages after a
// commit frame, zero in every other frame (https://www.sqlite.org/fileformat2.html#walformat).
constexpr int frame_header_bytes = 24;
constexpr int frame_commit_size_offset = 4;

// The largest single write handed to the inner file. SQLite's unix VFS writes at most 128 KiB - 1
// bytes per call (it masks the length to 17 bits) and reports a write it cut short as a full disk,
// so held bytes go out in pieces of this size: a group commit of turns is one or two of them.
constexpr std::size_t max_write_bytes = 64 * 1024;

// Writes `size` bytes at `offset` through the inner file in pieces of at most max_write_bytes.
// SQLite itself writes more than that at once too: a sub-journal moving from memory to its file
// writes its whole first chunk, as large as SQLITE_CONFIG_STMTJRNL_SPILL (1 MiB for the store), and
// the unix VFS failed every such write with SQLITE_FULL, whatever the disk's free space.
int write_in_pieces(sqlite3_file* inner, const char* data, std::size_t size, sqlite3_int64 offset) {
    int rc = SQLITE_OK;
    for (std::size_t done = 0; done < size && rc == SQLITE_OK;) {
        const std::size_t piece = std::min(max_write_bytes, size - done);
        rc = inner->pMethods->xWrite(
            inner, data + done, static_cast<int>(piece), offset + static_cast<sqlite3_int64>(done));
        done += piece;
    }
    return rc;
}

bool is_commit_frame_header(const void* data, int size) {
    if (size != frame_header_bytes) {
        return false;
    }
    const auto* bytes = static_cast<const unsigned char*>(data) + frame_commit_size_offset;
    return (bytes[0] | bytes[1] | bytes[2] | bytes[3]) != 0;
}

class coalescing_file;

// The log file with held bytes on this thread, if any. A connection is used by one thread at a
// time, and the barrier that publishes a commit comes on the database file, not the log, so this
// is how the barrier finds what to write out.
thread_local coalescing_file* held_on_this_thread = nullptr;

// Writes out whatever this thread holds, in whichever log file it is.
int write_out_this_thread();

// A file opened through the coalescing VFS: a log file holds its writes; every file writes out
// what a log holds before anything that could see or depend on it.
class coalescing_file final : public forwarding_file {
public:
    explicit coalescing_file(bool is_log)
        : is_log_(is_log) {}

    // Writes out the held bytes, if any; forgets them whether or not the write succeeded.
    int write_out() {
        if (held_.empty()) {
            return SQLITE_OK;
        }
        const int rc = write_in_pieces(inner(), held_.data(), held_.size(), held_offset_);
        held_.clear();
        commit_frame_open_ = false;
        if (held_on_this_thread == this) {
            held_on_this_thread = nullptr;
        }
        return rc;
    }

    int close() override {
        const int written = write_out();
        const int rc = forwarding_file::close();
        return written != SQLITE_OK ? written : rc;
    }

    int read(void* out, int size, sqlite3_int64 offset) override {
        if (const int rc = write_out(); rc != SQLITE_OK) {
            return rc;
        }
        return forwarding_file::read(out, size, offset);
    }

    int write(const void* data, int size, sqlite3_int64 offset) override {
        if (!is_log_) {
            return write_in_pieces(
                inner(), static_cast<const char*>(data), static_cast<std::size_t>(size), offset);
        }
        // Only a write that continues the held bytes joins them.
        if (!held_.empty() && offset != held_offset_ + static_cast<sqlite3_int64>(held_.size())) {
            if (const int rc = write_out(); rc != SQLITE_OK) {
                return rc;
            }
        }
        if (held_on_this_thread != nullptr && held_on_this_thread != this) {
            if (const int rc = held_on_this_thread->write_out(); rc != SQLITE_OK) {
                return rc;
            }
        }
        if (held_.empty()) {
            held_offset_ = offset;
        }
        held_.append(static_cast<const char*>(data), static_cast<std::size_t>(size));
        held_on_this_thread = this;
        if (commit_frame_open_) {
            return write_out(); // the commit frame's page: the transaction is complete
        }
        commit_frame_open_ = is_commit_frame_header(data, size);
        if (held_.size() >= static_cast<std::size_t>(max_held_log_bytes)) {
            return write_out();
        }
        return SQLITE_OK;
    }

    int truncate(sqlite3_int64 size) override {
        if (const int rc = write_out(); rc != SQLITE_OK) {
            return rc;
        }
        return forwarding_file::truncate(size);
    }

    int sync(int flags) override {
        if (const int rc = write_out(); rc != SQLITE_OK) {
            return rc;
        }
        return forwarding_file::sync(flags);
    }

    int file_size(sqlite3_int64* size) override {
        if (const int rc = write_out(); rc != SQLITE_OK) {
            return rc;
        }
        return forwarding_file::file_size(size);
    }

    int unlock(int level) override {
        if (const int rc = write_out_this_thread(); rc != SQLITE_OK) {
            return rc;
        }
        return forwarding_file::unlock(level);
    }

    int file_control(int op, void* arg) override {
        if (const int rc = write_out(); rc != SQLITE_OK) {
            return rc;
        }
        return forwarding_file::file_control(op, arg);
    }

    int shm_lock(int offset, int n, int flags) override {
        if (const int rc = write_out_this_thread(); rc != SQLITE_OK) {
            return rc;
        }
        return forwarding_file::shm_lock(offset, n, flags);
    }

    void shm_barrier() override {
        // The barrier comes before a new log end is published. The commit frame has written
        // everything out already; this covers any path that publishes without one. It cannot
        // report an error, and a failed write here would also have failed at the next call on
        // the log.
        (void)write_out_this_thread();
        forwarding_file::shm_barrier();
    }

private:
    bool is_log_;
    bool commit_frame_open_ = false; // the last held write was a commit frame's header
    sqlite3_int64 held_offset_ = 0;  // where the held bytes go in the file
    std::string held_;
};

int write_out_this_thread() {
    return held_on_this_thread != nullptr ? held_on_this_thread->write_out() : SQLITE_OK;
}

// One registered coalescing VFS. Files offer every io method version the wrapped VFS's do (memory
// mapping included).
class coalescing_vfs final : public forwarding_vfs {
public:
    explicit coalescing_vfs(sqlite3_vfs* inner)
        : forwarding_vfs(inner, sizeof(coalescing_file), 3) {}

protected:
    forwarding_file* make_file(void* where, int flags) override {
        return new (where) coalescing_file((flags & SQLITE_OPEN_WAL) != 0);
    }
};

// Usually one entry (the default VFS); tests add one per fault-injecting VFS they name. A deque,
// so an entry never moves once SQLite holds a pointer to it.
std::mutex registry_mutex;
std::deque<coalescing_vfs> registry;

} // namespace

expected<const char*> wal_coalescing_vfs(const char* base) {
    std::lock_guard lock(registry_mutex);
    const std::string name =
        base == nullptr ? std::string(vfs_name) : std::string(vfs_name) + ":" + base;
    for (const auto& registered : registry) {
        if (registered.name() == name) {
            return registered.name();
        }
    }
    sqlite3_vfs* inner = sqlite3_vfs_find(base);
    if (inner == nullptr || inner->iVersion < 1) {
        return fail(
            "store_open",
            base == nullptr
                ? std::string("cannot set up the session store's file layer: SQLite has "
                              "no default VFS to wrap")
                : "cannot set up the session store's file layer: SQLite has no VFS named '" +
                      std::string(base) + "'");
    }
    auto& added = registry.emplace_back(inner);
    if (added.register_as(name) != SQLITE_OK) {
        registry.pop_back();
        return fail("store_open",
                    "cannot set up the session store's file layer: SQLite refused the "
                    "registration");
    }
    return added.name();
}

} // namespace heregoes::store
