// The fault-injecting VFS (see the header). Each file it opens is a `fault_file`
// (engine/store/forwarding_vfs.hpp) in front of the unix VFS's own file object; every call
// forwards to that inner file, and the ones that can be made to fail first ask their switch.

#include "tests/engine/store/fault_injecting_vfs.hpp"

#include "engine/store/forwarding_vfs.hpp"

#include <sqlite3.h>

#include <mutex>
#include <new>

namespace heregoes::store::testing {
namespace {

constexpr const char* vfs_name = "heregoes-test-faults";

fault_switches switches;

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

// A file opened through the VFS: its reads, writes and syncs first ask the switch for their kind
// of file; every other call forwards unchanged.
class fault_file final : public forwarding_file {
public:
    explicit fault_file(int flags)
        : is_database_((flags & SQLITE_OPEN_MAIN_DB) != 0)
        , is_log_((flags & SQLITE_OPEN_WAL) != 0)
        , is_sub_journal_((flags & SQLITE_OPEN_SUBJOURNAL) != 0) {}

    int read(void* out, int size, sqlite3_int64 offset) override {
        if (is_database_ && must_fail(switches.database_reads)) {
            return SQLITE_IOERR_READ;
        }
        if (is_sub_journal_ && must_fail(switches.sub_journal_reads)) {
            return SQLITE_IOERR_READ;
        }
        return forwarding_file::read(out, size, offset);
    }

    int write(const void* data, int size, sqlite3_int64 offset) override {
        // Nothing of a failed write reaches the file.
        if (is_log_ && must_fail(switches.log_writes)) {
            return switches.log_writes.disk_full ? SQLITE_FULL : SQLITE_IOERR_WRITE;
        }
        if (is_sub_journal_ && must_fail(switches.sub_journal_writes)) {
            return switches.sub_journal_writes.disk_full ? SQLITE_FULL : SQLITE_IOERR_WRITE;
        }
        return forwarding_file::write(data, size, offset);
    }

    int sync(int flags) override {
        if (is_database_ && must_fail(switches.database_syncs)) {
            return SQLITE_IOERR_FSYNC;
        }
        if (is_log_ && must_fail(switches.log_syncs)) {
            return SQLITE_IOERR_FSYNC;
        }
        return forwarding_file::sync(flags);
    }

private:
    bool is_database_;
    bool is_log_;
    bool is_sub_journal_;
};

// Version 2 at most: without xFetch SQLite never memory-maps the file, so every page it reads
// comes through read(), where a fault can meet it.
class fault_vfs final : public forwarding_vfs {
public:
    explicit fault_vfs(sqlite3_vfs* unix_vfs)
        : forwarding_vfs(unix_vfs, sizeof(fault_file), 2) {}

protected:
    forwarding_file* make_file(void* where, int flags) override {
        return new (where) fault_file(flags);
    }
};

} // namespace

const char* fault_injecting_vfs() {
    static std::once_flag once;
    static bool registered = false;
    std::call_once(once, [] {
        sqlite3_vfs* unix_vfs = sqlite3_vfs_find("unix");
        if (unix_vfs == nullptr) {
            return;
        }
        // Never destroyed: SQLite holds on to it for the rest of the process, past static
        // destructors.
        static fault_vfs* vfs = new fault_vfs(unix_vfs);
        registered = vfs->register_as(vfs_name) == SQLITE_OK;
    });
    return registered ? vfs_name : nullptr;
}

fault_switches& faults() {
    return switches;
}

void clear_faults() {
    for (fault_switch* s : {&switches.log_writes,
                            &switches.database_reads,
                            &switches.database_syncs,
                            &switches.log_syncs,
                            &switches.sub_journal_writes,
                            &switches.sub_journal_reads}) {
        s->calls_before_failure = -1;
        s->disk_full = false;
        s->failures_left = -1;
        s->calls = 0;
        s->failed = 0;
    }
}

} // namespace heregoes::store::testing
