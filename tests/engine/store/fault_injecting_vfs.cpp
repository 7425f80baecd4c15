// The fault-injecting VFS (see the header). Each file it opens is a `fault_file` followed in the
// same allocation by the unix VFS's own file object; every method forwards to that inner file,
// and the three that can be made to fail first ask their switch.

#include "tests/engine/store/fault_injecting_vfs.hpp"

#include <sqlite3.h>

#include <mutex>
#include <new>

namespace heregoes::store::testing {
namespace {

constexpr const char* vfs_name = "heregoes-test-faults";

fault_switches switches;

struct fault_file {
    sqlite3_file base; // first: this is what SQLite holds
    sqlite3_file* inner = nullptr;
    bool is_database = false;
    bool is_log = false;
};

fault_file* as_fault(sqlite3_file* f) {
    return reinterpret_cast<fault_file*>(f);
}

// Counts a call and says whether it must fail. A test arms a switch while no call of its kind is
// under way, so the two counters need not change together.
bool must_fail(fault_switch& s) {
    s.calls.fetch_add(1);
    long left = s.calls_before_failure.load();
    for (;;) {
        if (left < 0) {
            return false;
        }
        if (left == 0) {
            break;
        }
        if (s.calls_before_failure.compare_exchange_weak(left, left - 1)) {
            return false;
        }
    }
    long failures = s.failures_left.load();
    for (;;) {
        if (failures == 0) {
            return false;
        }
        if (failures < 0 || s.failures_left.compare_exchange_weak(failures, failures - 1)) {
            s.failed.fetch_add(1);
            return true;
        }
    }
}

int x_close(sqlite3_file* file) {
    auto* f = as_fault(file);
    const int rc = f->inner->pMethods != nullptr ? f->inner->pMethods->xClose(f->inner) : SQLITE_OK;
    f->~fault_file();
    return rc;
}

int x_read(sqlite3_file* file, void* out, int size, sqlite3_int64 offset) {
    auto* f = as_fault(file);
    if (f->is_database && must_fail(switches.database_reads)) {
        return SQLITE_IOERR_READ;
    }
    return f->inner->pMethods->xRead(f->inner, out, size, offset);
}

int x_write(sqlite3_file* file, const void* data, int size, sqlite3_int64 offset) {
    auto* f = as_fault(file);
    if (f->is_log && must_fail(switches.log_writes)) {
        return SQLITE_IOERR_WRITE; // nothing of it reached the file
    }
    return f->inner->pMethods->xWrite(f->inner, data, size, offset);
}

int x_truncate(sqlite3_file* file, sqlite3_int64 size) {
    auto* f = as_fault(file);
    return f->inner->pMethods->xTruncate(f->inner, size);
}

int x_sync(sqlite3_file* file, int flags) {
    auto* f = as_fault(file);
    if (f->is_database && must_fail(switches.database_syncs)) {
        return SQLITE_IOERR_FSYNC;
    }
    return f->inner->pMethods->xSync(f->inner, flags);
}

int x_file_size(sqlite3_file* file, sqlite3_int64* size) {
    auto* f = as_fault(file);
    return f->inner->pMethods->xFileSize(f->inner, size);
}

int x_lock(sqlite3_file* file, int level) {
    auto* f = as_fault(file);
    return f->inner->pMethods->xLock(f->inner, level);
}

int x_unlock(sqlite3_file* file, int level) {
    auto* f = as_fault(file);
    return f->inner->pMethods->xUnlock(f->inner, level);
}

int x_check_reserved_lock(sqlite3_file* file, int* out) {
    auto* f = as_fault(file);
    return f->inner->pMethods->xCheckReservedLock(f->inner, out);
}

int x_file_control(sqlite3_file* file, int op, void* arg) {
    auto* f = as_fault(file);
    return f->inner->pMethods->xFileControl(f->inner, op, arg);
}

int x_sector_size(sqlite3_file* file) {
    auto* f = as_fault(file);
    return f->inner->pMethods->xSectorSize(f->inner);
}

int x_device_characteristics(sqlite3_file* file) {
    auto* f = as_fault(file);
    return f->inner->pMethods->xDeviceCharacteristics(f->inner);
}

int x_shm_map(sqlite3_file* file, int page, int page_size, int extend, void volatile** out) {
    auto* f = as_fault(file);
    return f->inner->pMethods->xShmMap(f->inner, page, page_size, extend, out);
}

int x_shm_lock(sqlite3_file* file, int offset, int n, int flags) {
    auto* f = as_fault(file);
    return f->inner->pMethods->xShmLock(f->inner, offset, n, flags);
}

void x_shm_barrier(sqlite3_file* file) {
    auto* f = as_fault(file);
    f->inner->pMethods->xShmBarrier(f->inner);
}

int x_shm_unmap(sqlite3_file* file, int delete_flag) {
    auto* f = as_fault(file);
    return f->inner->pMethods->xShmUnmap(f->inner, delete_flag);
}

// Version 2 at most: without xFetch SQLite never memory-maps the file, so every page it reads
// comes through x_read, where a fault can meet it.
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
        nullptr,
        nullptr,
    };
}
constexpr sqlite3_io_methods fault_methods[] = {methods_of_version(1), methods_of_version(2)};

// The inner file sits after the wrapper, aligned as SQLite aligns its own allocations.
constexpr int inner_offset = static_cast<int>((sizeof(fault_file) + 15) / 16 * 16);

sqlite3_vfs* unix_vfs = nullptr;
sqlite3_vfs fault_vfs_object{};

int x_open(sqlite3_vfs*, const char* name, sqlite3_file* file, int flags, int* out_flags) {
    auto* f = new (file) fault_file();
    f->inner = reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(file) + inner_offset);
    f->inner->pMethods = nullptr;
    f->is_database = (flags & SQLITE_OPEN_MAIN_DB) != 0;
    f->is_log = (flags & SQLITE_OPEN_WAL) != 0;
    const int rc = unix_vfs->xOpen(unix_vfs, name, f->inner, flags, out_flags);
    if (rc != SQLITE_OK || f->inner->pMethods == nullptr) {
        // SQLite does not close a file whose open failed, so nothing else runs the destructor.
        if (f->inner->pMethods != nullptr) {
            f->inner->pMethods->xClose(f->inner);
        }
        f->~fault_file();
        file->pMethods = nullptr;
        return rc != SQLITE_OK ? rc : SQLITE_CANTOPEN;
    }
    f->base.pMethods = &fault_methods[f->inner->pMethods->iVersion >= 2 ? 1 : 0];
    return SQLITE_OK;
}

} // namespace

const char* fault_injecting_vfs() {
    static std::once_flag once;
    static bool registered = false;
    std::call_once(once, [] {
        unix_vfs = sqlite3_vfs_find("unix");
        if (unix_vfs == nullptr) {
            return;
        }
        // Every call but xOpen goes straight to the unix VFS's own functions, which read their
        // settings from pAppData, so the copy keeps it.
        fault_vfs_object = *unix_vfs;
        fault_vfs_object.zName = vfs_name;
        fault_vfs_object.szOsFile = inner_offset + unix_vfs->szOsFile;
        fault_vfs_object.pNext = nullptr;
        fault_vfs_object.xOpen = x_open;
        registered = sqlite3_vfs_register(&fault_vfs_object, 0) == SQLITE_OK;
    });
    return registered ? vfs_name : nullptr;
}

fault_switches& faults() {
    return switches;
}

void clear_faults() {
    for (fault_switch* s :
         {&switches.log_writes, &switches.database_reads, &switches.database_syncs}) {
        s->calls_before_failure = -1;
        s->failures_left = -1;
        s->calls = 0;
        s->failed = 0;
    }
}

} // namespace heregoes::store::testing
