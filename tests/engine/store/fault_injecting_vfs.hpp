#pragma once

// A SQLite VFS for tests that makes the disk fail on cue. It wraps SQLite's own unix VFS and
// passes every call through, except that a test can make the database file's reads or syncs, the
// write-ahead log's writes or syncs, or a sub-journal's reads or writes fail with the I/O error a
// dying disk gives (EIO, reported by SQLite as SQLITE_IOERR_READ, _WRITE or _FSYNC) or, for a
// write, the error of a full disk (SQLITE_FULL), from a chosen call on, until it clears the fault.
// A store opened with sqlite_options::vfs = fault_injecting_vfs() then meets real SQLite error
// paths.

#include <atomic>

namespace heregoes::store::testing {

// Registers the VFS on first use and gives its name for sqlite_options::vfs; null when SQLite has
// no unix VFS to wrap. Registering initialises SQLite, so a process whose first SQLite call this
// is runs without the store's process-wide settings (they only make it faster).
const char* fault_injecting_vfs();

// One kind of call that can be made to fail. `calls_before_failure` -1 lets every call through;
// n >= 0 lets n more through, then fails `failures_left` calls (-1: every one, until cleared).
struct fault_switch {
    std::atomic<long> calls_before_failure{-1};
    std::atomic<long> failures_left{-1};
    std::atomic<long> calls{0};  // calls seen, failed or not
    std::atomic<long> failed{0}; // calls failed
    // A failing write reports a full disk (SQLITE_FULL) instead of an I/O error.
    std::atomic<bool> disk_full{false};

    // Lets `passes` more calls through, then fails `failures` of them (-1: every one after).
    void fail_after(long passes, long failures = -1) {
        failures_left = failures;
        calls_before_failure = passes;
    }
};

struct fault_switches {
    fault_switch log_writes;         // xWrite on a -wal file
    fault_switch database_reads;     // xRead on a main database file
    fault_switch database_syncs;     // xSync on a main database file
    fault_switch log_syncs;          // xSync on a -wal file
    fault_switch sub_journal_writes; // xWrite on a statement journal moved to its temporary file
    fault_switch sub_journal_reads;  // xRead on that file
};

// The switches every file opened through the VFS obeys.
fault_switches& faults();

// Lets every call through again and zeroes the counts.
void clear_faults();

} // namespace heregoes::store::testing
