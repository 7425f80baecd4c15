// The write-ahead-log coalescing VFS (see the header for why). Each file SQLite opens through it is
// a `coalescing_file` followed in the same allocation by the wrapped VFS's own file object; every
// method forwards to that inner file, and only a log file's writes are held.

#include "engine/store/wal_coalescing_vfs.hpp"

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

struct coalescing_file {
    sqlite3_file base; // first: this is what SQLite holds
    sqlite3_file* inner = nullptr;
    bool is_log = false;
    bool commit_frame_open = false; // the last held write was a commit frame's header
    sqlite3_int64 held_offset = 0;  // where the held bytes go in the file
    std::string held;
};

coalescing_file* as_coalescing(sqlite3_file* f) {
    return reinterpret_cast<coalescing_file*>(f);
}

// The log file with held bytes on this thread, if any. A connection is used by one thread at a
// time, and the barrier that publishes a commit comes on the database file, not the log, so this
// is how the barrier finds what to write out.
thread_local coalescing_file* held_on_this_thread = nullptr;

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

int write_out(coalescing_file* f) {
    if (f->held.empty()) {
        return SQLITE_OK;
    }
    const int rc = write_in_pieces(f->inner, f->held.data(), f->held.size(), f->held_offset);
    f->held.clear();
    f->commit_frame_open = false;
    if (held_on_this_thread == f) {
        held_on_this_thread = nullptr;
    }
    return rc;
}

// Writes out whatever this thread holds, in whichever log file it is.
int write_out_this_thread() {
    return held_on_this_thread != nullptr ? write_out(held_on_this_thread) : SQLITE_OK;
}

bool is_commit_frame_header(const void* data, int size) {
    if (size != frame_header_bytes) {
        return false;
    }
    const auto* bytes = static_cast<const unsigned char*>(data) + frame_commit_size_offset;
    return (bytes[0] | bytes[1] | bytes[2] | bytes[3]) != 0;
}

int x_close(sqlite3_file* file) {
    auto* f = as_coalescing(file);
    const int written = write_out(f);
    const int rc = f->inner->pMethods != nullptr ? f->inner->pMethods->xClose(f->inner) : SQLITE_OK;
    f->~coalescing_file();
    return written != SQLITE_OK ? written : rc;
}

int x_read(sqlite3_file* file, void* out, int size, sqlite3_int64 offset) {
    auto* f = as_coalescing(file);
    if (const int rc = write_out(f); rc != SQLITE_OK) {
        return rc;
    }
    return f->inner->pMethods->xRead(f->inner, out, size, offset);
}

int x_write(sqlite3_file* file, const void* data, int size, sqlite3_int64 offset) {
    auto* f = as_coalescing(file);
    if (!f->is_log) {
        return write_in_pieces(
            f->inner, static_cast<const char*>(data), static_cast<std::size_t>(size), offset);
    }
    // Only a write that continues the held bytes joins them.
    if (!f->held.empty() && offset != f->held_offset + static_cast<sqlite3_int64>(f->held.size())) {
        if (const int rc = write_out(f); rc != SQLITE_OK) {
            return rc;
        }
    }
    if (held_on_this_thread != nullptr && held_on_this_thread != f) {
        if (const int rc = write_out(held_on_this_thread); rc != SQLITE_OK) {
            return rc;
        }
    }
    if (f->held.empty()) {
        f->held_offset = offset;
    }
    f->held.append(static_cast<const char*>(data), static_cast<std::size_t>(size));
    held_on_this_thread = f;
    if (f->commit_frame_open) {
        return write_out(f); // the commit frame's page: the transaction is complete
    }
    f->commit_frame_open = is_commit_frame_header(data, size);
    if (f->held.size() >= static_cast<std::size_t>(max_held_log_bytes)) {
        return write_out(f);
    }
    return SQLITE_OK;
}

int x_truncate(sqlite3_file* file, sqlite3_int64 size) {
    auto* f = as_coalescing(file);
    if (const int rc = write_out(f); rc != SQLITE_OK) {
        return rc;
    }
    return f->inner->pMethods->xTruncate(f->inner, size);
}

int x_sync(sqlite3_file* file, int flags) {
    auto* f = as_coalescing(file);
    if (const int rc = write_out(f); rc != SQLITE_OK) {
        return rc;
    }
    return f->inner->pMethods->xSync(f->inner, flags);
}

int x_file_size(sqlite3_file* file, sqlite3_int64* size) {
    auto* f = as_coalescing(file);
    if (const int rc = write_out(f); rc != SQLITE_OK) {
        return rc;
    }
    return f->inner->pMethods->xFileSize(f->inner, size);
}

int x_lock(sqlite3_file* file, int level) {
    auto* f = as_coalescing(file);
    return f->inner->pMethods->xLock(f->inner, level);
}

int x_unlock(sqlite3_file* file, int level) {
    auto* f = as_coalescing(file);
    if (const int rc = write_out_this_thread(); rc != SQLITE_OK) {
        return rc;
    }
    return f->inner->pMethods->xUnlock(f->inner, level);
}

int x_check_reserved_lock(sqlite3_file* file, int* out) {
    auto* f = as_coalescing(file);
    return f->inner->pMethods->xCheckReservedLock(f->inner, out);
}

int x_file_control(sqlite3_file* file, int op, void* arg) {
    auto* f = as_coalescing(file);
    if (const int rc = write_out(f); rc != SQLITE_OK) {
        return rc;
    }
    return f->inner->pMethods->xFileControl(f->inner, op, arg);
}

int x_sector_size(sqlite3_file* file) {
    auto* f = as_coalescing(file);
    return f->inner->pMethods->xSectorSize(f->inner);
}

int x_device_characteristics(sqlite3_file* file) {
    auto* f = as_coalescing(file);
    return f->inner->pMethods->xDeviceCharacteristics(f->inner);
}

int x_shm_map(sqlite3_file* file, int page, int page_size, int extend, void volatile** out) {
    auto* f = as_coalescing(file);
    return f->inner->pMethods->xShmMap(f->inner, page, page_size, extend, out);
}

int x_shm_lock(sqlite3_file* file, int offset, int n, int flags) {
    auto* f = as_coalescing(file);
    if (const int rc = write_out_this_thread(); rc != SQLITE_OK) {
        return rc;
    }
    return f->inner->pMethods->xShmLock(f->inner, offset, n, flags);
}

void x_shm_barrier(sqlite3_file* file) {
    auto* f = as_coalescing(file);
    // The barrier comes before a new log end is published. The commit frame has written everything
    // out already; this covers any path that publishes without one. It cannot report an error, and
    // a failed write here would also have failed at the next call on the log.
    (void)write_out_this_thread();
    f->inner->pMethods->xShmBarrier(f->inner);
}

int x_shm_unmap(sqlite3_file* file, int delete_flag) {
    auto* f = as_coalescing(file);
    return f->inner->pMethods->xShmUnmap(f->inner, delete_flag);
}

int x_fetch(sqlite3_file* file, sqlite3_int64 offset, int size, void** out) {
    auto* f = as_coalescing(file);
    return f->inner->pMethods->xFetch(f->inner, offset, size, out);
}

int x_unfetch(sqlite3_file* file, sqlite3_int64 offset, void* p) {
    auto* f = as_coalescing(file);
    return f->inner->pMethods->xUnfetch(f->inner, offset, p);
}

// One table per version of the io_methods struct: a wrapper offers exactly the methods its inner
// file has, so SQLite never calls one the inner file lacks (shared memory from version 2, memory
// mapping from version 3).
constexpr sqlite3_io_methods methods_of_version(int version) {
    return {
        version,
        x_close,
        x_read,
        x_write,
        x_truncate,
        x_sync,
        x_file_size,
        x_lock,
        x_unlock,
        x_check_reserved_lock,
        x_file_control,
        x_sector_size,
        x_device_characteristics,
        version >= 2 ? x_shm_map : nullptr,
        version >= 2 ? x_shm_lock : nullptr,
        version >= 2 ? x_shm_barrier : nullptr,
        version >= 2 ? x_shm_unmap : nullptr,
        version >= 3 ? x_fetch : nullptr,
        version >= 3 ? x_unfetch : nullptr,
    };
}
constexpr sqlite3_io_methods coalescing_methods[] = {
    methods_of_version(1), methods_of_version(2), methods_of_version(3)};

// The inner file sits after the wrapper, aligned as SQLite aligns its own allocations.
constexpr int inner_offset = static_cast<int>((sizeof(coalescing_file) + 15) / 16 * 16);

// One registered coalescing VFS and the VFS it wraps. `object` comes first, so the pointer SQLite
// hands to x_open leads back to the whole struct.
struct coalescing_vfs {
    sqlite3_vfs object;
    sqlite3_vfs* inner;
};

// Usually one entry (the default VFS); tests add one per fault-injecting VFS they name. A deque,
// so an entry never moves once SQLite holds a pointer to it.
std::mutex registry_mutex;
std::deque<coalescing_vfs> registry;
std::deque<std::string> registry_names;

int x_open(sqlite3_vfs* vfs, const char* name, sqlite3_file* file, int flags, int* out_flags) {
    sqlite3_vfs* inner_vfs = reinterpret_cast<coalescing_vfs*>(vfs)->inner;
    auto* f = new (file) coalescing_file();
    f->inner = reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(file) + inner_offset);
    f->inner->pMethods = nullptr;
    f->is_log = (flags & SQLITE_OPEN_WAL) != 0;
    const int rc = inner_vfs->xOpen(inner_vfs, name, f->inner, flags, out_flags);
    if (rc != SQLITE_OK || f->inner->pMethods == nullptr) {
        // SQLite does not close a file whose open failed, so nothing else runs the destructor.
        if (f->inner->pMethods != nullptr) {
            f->inner->pMethods->xClose(f->inner);
        }
        f->~coalescing_file();
        file->pMethods = nullptr;
        return rc != SQLITE_OK ? rc : SQLITE_CANTOPEN;
    }
    const int version = f->inner->pMethods->iVersion;
    f->base.pMethods = &coalescing_methods[version >= 3 ? 2 : version <= 1 ? 0 : 1];
    return SQLITE_OK;
}

} // namespace

expected<const char*> wal_coalescing_vfs(const char* base) {
    std::lock_guard lock(registry_mutex);
    const std::string name =
        base == nullptr ? std::string(vfs_name) : std::string(vfs_name) + ":" + base;
    for (std::size_t i = 0; i < registry.size(); ++i) {
        if (registry_names[i] == name) {
            return registry[i].object.zName;
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
    registry_names.push_back(name);
    auto& added = registry.emplace_back();
    // Every call but xOpen goes straight to the wrapped VFS's own functions, which read their
    // settings from pAppData, so the copy keeps it.
    added.object = *inner;
    added.object.zName = registry_names.back().c_str();
    added.object.szOsFile = inner_offset + inner->szOsFile;
    added.object.pNext = nullptr;
    added.object.xOpen = x_open;
    added.inner = inner;
    if (sqlite3_vfs_register(&added.object, 0) != SQLITE_OK) {
        registry.pop_back();
        registry_names.pop_back();
        return fail("store_open",
                    "cannot set up the session store's file layer: SQLite refused the "
                    "registration");
    }
    return added.object.zName;
}

} // namespace heregoes::store
