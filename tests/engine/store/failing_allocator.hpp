#pragma once

// A SQLite allocator for tests that runs out of memory on cue: it hands every request to SQLite's
// own allocator, except the one a test picks, which gets null, as a malloc that found no memory
// does. SQLite then reports SQLITE_NOMEM from wherever that allocation was, so a test can walk an
// out-of-memory failure through every allocation a piece of work makes. Installing it replaces
// SQLite's allocator for the whole process, so only a forked child does it.

namespace heregoes::store::testing {

// Shuts SQLite down, installs the allocator and starts SQLite again; false when SQLite refuses
// (a connection is still open). Call it before the process opens anything with SQLite.
bool install_failing_allocator();

// Makes the allocation after the next `allocations` fail (0: the very next one), once; later ones
// succeed again.
void fail_allocation_after(long allocations);

// Whether the failure asked for has happened since fail_allocation_after; disarms it if not.
bool allocation_failed_and_disarm();

} // namespace heregoes::store::testing
