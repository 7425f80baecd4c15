#pragma once

// A SQLite VFS that hands each commit's write-ahead-log frames to the kernel in one write. SQLite
// writes every log frame with two pwrite(2) calls, its 24-byte header and then its page, so a group
// commit that dirtied 30 pages cost 60 system calls on the writer thread, each paying a hypervisor
// exit on a virtual machine. This VFS wraps the system's default one (or one named, for tests). For
// a log file it holds consecutive writes in memory and writes them out together (in 64 KiB pieces,
// the most the unix VFS takes in one call: one or two for a group commit) as soon as the commit's
// last frame is complete (a commit frame's header carries the database size, which no other frame's
// does; the log format is SQLite's documented file format). It also writes them out before anything
// else touches the file (a read, a size, a sync, a truncate, a close), before a write elsewhere in
// the file, and at the shared-memory barrier that precedes publishing the log's new end to readers.
// So COMMIT still returns only once every byte of the transaction is in the kernel's page cache,
// a failed write still fails the COMMIT, and readers never see a frame that is not in the file.
// Every other file passes straight through, except that a write larger than the unix VFS takes in
// one call (a sub-journal's first chunk moving to its file) is split the same way.

#include "engine/core/expected.hpp"

namespace heregoes::store {

// Registers the VFS wrapping `base` (a registered VFS's name; null: the default VFS) on first use
// (thread-safe) and gives its name for sqlite3_open_v2; an error when SQLite has no such VFS to
// wrap or refuses the registration.
expected<const char*> wal_coalescing_vfs(const char* base = nullptr);

// The most log bytes held before they are written out even in the middle of a commit, so a large
// transaction (a migration, a purge) never holds its whole log in memory: about a thousand frames,
// far more than a group commit of turns writes.
inline constexpr int max_held_log_bytes = 4 * 1024 * 1024;

} // namespace heregoes::store
