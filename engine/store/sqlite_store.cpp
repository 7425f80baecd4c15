// The SQLite session store: one file in WAL mode, one writer thread with group commit, one reader
// thread, each owning its own connection (so SQLite runs without its internal mutexes).
//
// Durability. A save's completion runs only after the COMMIT that holds it has returned. In WAL
// mode COMMIT appends the transaction to the -wal file with write(2), so once it returns the bytes
// are in the kernel's page cache, which outlives the process: a kill -9 at any moment after the
// completion loses nothing, and SQLite replays the log when the file is next opened. That is what
// synchronous=NORMAL gives, and it is what "kill -9 the server, restart on the same file, and every
// session resumes at the last turn its client saw" asks for, so NORMAL is the default. It does not
// fsync at each commit: on a power cut or kernel crash the last commits (those since the previous
// checkpoint) may be lost, though the file stays consistent. sqlite_sync::full fsyncs the log at
// every commit for deployments that need turns to survive power loss too; group commit spreads that
// one fsync over every write in the batch. A COMMIT that fails can leave the batch's frames in the
// log file, unpublished but with valid checksums, where a restart would replay them; the writer
// then commits a change to nothing at once, over them (write_over_unpublished_log).
//
// Group commit. Writes queue (bounded by max_queued_writes; past that a save completes at once as
// failed, since blocking would stall a network thread and queueing without bound would hide a dying
// disk). The writer takes everything queued, applies it in one transaction, each write inside its
// own savepoint so one failed write cannot spoil the others, commits, then runs the completions.
//
// Privacy. SQLite overwrites deleted rows with zeros. Routine deletes (trimming a long session's
// oldest replay rows) run with secure_delete=FAST, which zeroes a row on the page that held it but
// leaves a page that falls wholly empty as it was, since zeroing it costs a page write of its own;
// those rows are sealed under the keys of a session that still exists. A batch that erases or
// purges sessions runs with secure_delete=ON, which zeroes freed pages too, and then the writer
// runs a TRUNCATE checkpoint, so the old copies in the write-ahead log go as well: an erased
// session leaves no sealed bytes in any of the store's files.

#include "engine/store/sqlite_store.hpp"

#include "engine/store/replay_pack.hpp"
#include "engine/store/save_handover.hpp"
#include "engine/store/sqlite_checkpointer.hpp"
#include "engine/store/store_limits.hpp"
#include "engine/store/wal_coalescing_vfs.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <iostream>
#include <memory>
#include <mutex>
#include <system_error>
#include <thread>
#include <utility>
#include <variant>

#include <pthread.h>
#include <sched.h>
#include <unistd.h>

namespace heregoes::store {
namespace {

// --- Statements ----------------------------------------------------------------------------------

struct statement_finalizer {
    void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using statement = std::unique_ptr<sqlite3_stmt, statement_finalizer>;

// Resets a statement and clears its bindings when a use of it ends, however it ends.
class statement_use {
public:
    explicit statement_use(const statement& s)
        : s_(s.get()) {}
    ~statement_use() {
        sqlite3_reset(s_);
        sqlite3_clear_bindings(s_);
    }
    statement_use(const statement_use&) = delete;
    statement_use& operator=(const statement_use&) = delete;

    void bind(int index, const void* data, std::size_t size) {
        // SQLITE_STATIC: the bytes outlive this use. A zero-length blob still needs a non-null
        // pointer.
        static const char empty = 0;
        sqlite3_bind_blob64(s_, index, size == 0 ? &empty : data, size, SQLITE_STATIC);
    }
    void bind(int index, const session_key& key) { bind(index, key.data(), key.size()); }
    void bind(int index, const std::string& bytes) { bind(index, bytes.data(), bytes.size()); }
    void bind(int index, std::int64_t value) { sqlite3_bind_int64(s_, index, value); }
    // Binds `value`, or NULL when it is 0 (row ids start at 1).
    void bind_id(int index, std::int64_t value) {
        if (value == 0) {
            sqlite3_bind_null(s_, index);
        } else {
            sqlite3_bind_int64(s_, index, value);
        }
    }

    int step() { return sqlite3_step(s_); }
    std::int64_t integer(int column) { return sqlite3_column_int64(s_, column); }
    std::string blob(int column) {
        const void* data = sqlite3_column_blob(s_, column);
        int size = sqlite3_column_bytes(s_, column);
        return data == nullptr ? std::string() : std::string(static_cast<const char*>(data), size);
    }

private:
    sqlite3_stmt* s_;
};

struct connection_closer {
    void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using connection = std::unique_ptr<sqlite3, connection_closer>;

// --- Schema --------------------------------------------------------------------------------------

// Migration N takes a file from user_version N-1 to N; never edit one that has shipped, add
// another. Blobs are sealed (sealing.hpp); keys are SHA-256 of tokens; times are unix seconds.
constexpr const char* migrations[] = {
    // 1: sessions, replay frames, opted-in transcripts.
    "CREATE TABLE sessions ("
    "  key BLOB PRIMARY KEY NOT NULL,"
    "  version INTEGER NOT NULL,"
    "  state BLOB NOT NULL,"
    "  touched INTEGER NOT NULL);"
    "CREATE INDEX sessions_by_touched ON sessions (touched);"
    "CREATE TABLE frames ("
    "  key BLOB NOT NULL,"
    "  seq INTEGER NOT NULL,"
    "  sealed BLOB NOT NULL,"
    "  PRIMARY KEY (key, seq));"
    "CREATE TABLE transcripts ("
    "  key BLOB NOT NULL,"
    "  seq INTEGER NOT NULL,"
    "  sealed BLOB NOT NULL,"
    "  at INTEGER NOT NULL,"
    "  PRIMARY KEY (key, seq));"
    "CREATE INDEX transcripts_by_at ON transcripts (at);",
    // 2: fewer pages written per turn. Rows are ordered by ids handed out in time order, so the
    // sessions talking now, and the replay rows they add, sit together on the newest pages: a
    // group commit of a hundred turns dirties a few dozen pages, not two or three random pages
    // per turn as the token-hash ordering did. A turn's replay frames are one row (replay_pack.hpp)
    // chained to the session's previous turn through `prev`; the session row names the newest
    // (replay_head). A per-session index would have put every talking session's insertion point
    // on a page of its own. AUTOINCREMENT keeps an id from ever being handed out twice, so a
    // `prev` left pointing at a trimmed row leads nowhere. The old frames move over as one-frame
    // rows (copy_frames_to_replay).
    "CREATE TABLE sessions_v2 ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  key BLOB NOT NULL UNIQUE,"
    "  version INTEGER NOT NULL,"
    "  state BLOB NOT NULL,"
    "  touched INTEGER NOT NULL,"
    "  replay_head INTEGER);"
    "INSERT INTO sessions_v2 (key, version, state, touched)"
    "  SELECT key, version, state, touched FROM sessions;"
    "DROP TABLE sessions;"
    "ALTER TABLE sessions_v2 RENAME TO sessions;"
    "CREATE INDEX sessions_by_touched ON sessions (touched);"
    "CREATE TABLE replay ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  last_seq INTEGER NOT NULL,"
    "  prev INTEGER,"
    "  frames BLOB NOT NULL);",
    // 3: no AUTOINCREMENT. It made every replay insert (one per turn) and every new session read
    // and rewrite its row in sqlite_sequence: one more B-tree update per insert and one more page
    // in every commit's log frames. Without it SQLite hands out one more than the largest id in
    // the table, so an id comes back only after the row with the highest id has been deleted.
    //
    // Why no pointer can then lead into another session. Two kinds of pointer hold a replay id.
    // (a) A session's replay_head always names a row that exists: a save sets it to the row it
    // has just inserted, a trim deletes only rows behind the head it starts from (or, for a turn
    // longer than the window, the old head, but the same save then points replay_head at its new
    // row), and erase and purge delete the session row together with its whole chain in one
    // transaction. An id that exists is never handed out, so a head never comes to name a new
    // row. (b) A row's `prev` is set once, at insert, to its session's head, which then exists
    // and so is lower than the new row's id (the new id is above every existing one). So every
    // `prev` is lower than the id of the row holding it. A `prev` dangles only after a trim
    // deleted the row it names; the row holding it still exists and has a higher id, so the
    // highest id in the table stays above the dangling one and it cannot be handed out again
    // while the pointer exists. When the holder is deleted, its pointer goes with it. Rows link
    // only to older rows of their own session, so a chain walk stops at a missing row, never at
    // a row of another session. Ids that do come back are those of rows above every surviving
    // row (a newest session erased or purged), and no surviving pointer names any of them.
    // Two conditions keep this true. Each walk must read one snapshot: read_frames reads the head
    // and the chain in one read transaction, since between two autocommit reads the writer could
    // erase the session and hand its newest id to another session's turn. And ids must not run
    // out: at 2^63 - 1 SQLite would pick unused ids at random, which at a million turns a second
    // is 290,000 years away.
    //
    // The tables are rebuilt with every id, `prev` and replay_head as they were. The old tables'
    // rows leave sqlite_sequence when they are dropped; SQLite keeps that table itself, empty.
    "CREATE TABLE sessions_v3 ("
    "  id INTEGER PRIMARY KEY,"
    "  key BLOB NOT NULL UNIQUE,"
    "  version INTEGER NOT NULL,"
    "  state BLOB NOT NULL,"
    "  touched INTEGER NOT NULL,"
    "  replay_head INTEGER);"
    "INSERT INTO sessions_v3 (id, key, version, state, touched, replay_head)"
    "  SELECT id, key, version, state, touched, replay_head FROM sessions ORDER BY id;"
    "DROP TABLE sessions;"
    "ALTER TABLE sessions_v3 RENAME TO sessions;"
    "CREATE INDEX sessions_by_touched ON sessions (touched);"
    "CREATE TABLE replay_v3 ("
    "  id INTEGER PRIMARY KEY,"
    "  last_seq INTEGER NOT NULL,"
    "  prev INTEGER,"
    "  frames BLOB NOT NULL);"
    "INSERT INTO replay_v3 (id, last_seq, prev, frames)"
    "  SELECT id, last_seq, prev, frames FROM replay ORDER BY id;"
    "DROP TABLE replay;"
    "ALTER TABLE replay_v3 RENAME TO replay;",
    // 4: a turn's frames sealed as one blob. Until now a row's `frames` held a pack of frames
    // sealed one by one; now it holds one sealed blob whose plaintext is the pack of the turn's
    // frames (replay_pack.hpp): one seal per turn instead of one per frame. The store cannot seal
    // the old rows again (it never holds a token), so they stay as they are, and `form` says
    // which a row is: 0 (replay_form::frame) for every row written before, 1 (replay_form::turn)
    // for every row written from now on. A column with a constant default rewrites no row.
    "ALTER TABLE replay ADD COLUMN form INTEGER NOT NULL DEFAULT 0;",
    // 5: a trim goes straight to the rows it drops. Until now a session's trim walked its chain
    // back from the newest row over the whole window, reading about 180 rows it kept to reach the
    // 90 or so it drops: 40% of a trim's instructions, and with 1,000 busy sessions nearly every
    // one of those rows a page the writer's cache had already dropped, read back from disk. Now
    // the session row remembers, at each crossing of its trim stride, the row that was newest
    // just before it (trim_mark_next), and one crossing later that id moves to trim_mark; the
    // trim at the crossing after that drops trim_mark and every row behind it. That row's frames
    // all lie before a crossing two strides (the whole window) back, so it is always behind the
    // window (apply_save says why), and no row the window needs is ever dropped.
    //
    // Why a mark cannot lead into another session (see migration 3 for the ids). A mark names a
    // row of its own session's chain that is older than the session's newest row, which exists
    // as long as the session does. So while a mark exists, an id above it exists too, and SQLite
    // hands out only ids above the highest: a mark whose row a trim has dropped names nothing,
    // never a row of another session. Erase and purge delete the session row, marks and all,
    // with its chain.
    //
    // Both columns start NULL, for new sessions and for those of older files alike; a session
    // without a mark trims by the walk from its newest row, as before, until its marks are set
    // (two crossings). A column with no default rewrites no row.
    "ALTER TABLE sessions ADD COLUMN trim_mark INTEGER;"
    "ALTER TABLE sessions ADD COLUMN trim_mark_next INTEGER;",
};
static_assert(static_cast<int>(replay_form::frame) == 0 && static_cast<int>(replay_form::turn) == 1,
              "migration 4 and every stored row use these numbers");
static_assert(std::size(migrations) == sqlite_schema_version,
              "every schema version needs its migration");

// Prepares a one-off statement; empty when SQLite refuses it (sqlite3_errmsg says why).
statement prepare_once(sqlite3* db, const char* sql) {
    sqlite3_stmt* raw = nullptr;
    sqlite3_prepare_v2(db, sql, -1, &raw, nullptr);
    return statement(raw);
}

// The data half of migration 2: each session's schema-1 frames become a chain of one-frame replay
// rows, oldest first, then the old table goes. Runs inside the migration's transaction.
bool copy_frames_to_replay(sqlite3* db) {
    const statement select = prepare_once(db,
                                          "SELECT s.id, f.seq, f.sealed FROM frames f "
                                          "JOIN sessions s ON s.key = f.key ORDER BY s.id, f.seq");
    const statement insert =
        prepare_once(db, "INSERT INTO replay (last_seq, prev, frames) VALUES (?1, ?2, ?3)");
    const statement link = prepare_once(db, "UPDATE sessions SET replay_head = ?2 WHERE id = ?1");
    if (!select || !insert || !link) {
        return false;
    }
    statement_use rows(select);
    std::int64_t session = 0;
    std::int64_t head = 0;
    std::string pack;
    int rc = SQLITE_DONE;
    while ((rc = rows.step()) == SQLITE_ROW) {
        const auto id = rows.integer(0);
        if (id != session) {
            session = id;
            head = 0;
        }
        const auto seq = rows.integer(1);
        pack.clear();
        append_record(pack, static_cast<std::uint32_t>(seq), rows.blob(2));
        {
            statement_use add(insert);
            add.bind(1, seq);
            add.bind_id(2, head);
            add.bind(3, pack);
            if (add.step() != SQLITE_DONE) {
                return false;
            }
        }
        head = sqlite3_last_insert_rowid(db);
        statement_use point(link);
        point.bind(1, session);
        point.bind(2, head);
        if (point.step() != SQLITE_DONE) {
            return false;
        }
    }
    return rc == SQLITE_DONE &&
           sqlite3_exec(db, "DROP TABLE frames", nullptr, nullptr, nullptr) == SQLITE_OK;
}

// A session longer than the replay window drops its oldest replay rows once every this many frames,
// from the row it marked two strides before (migration 5): an amortised step or two per turn,
// where checking on every turn would walk the whole window each time.
constexpr std::uint32_t trim_stride_frames = max_frames_kept / 2;

// Where in the stride a session trims, from its key. Sessions that move in step (started together,
// talking at one pace) would otherwise all cross the same multiple of the stride on the same
// turn, and every save of that turn would walk the whole window back and delete a stride's worth
// of rows: in the 10,000-session soak the writer fell up to 24 s behind once every 256 frames
// (every 3 minutes), with its stack in trim_replay each time. Spread by the key, about one session
// in trim_stride_frames trims on any given frame. The key is a SHA-256, but the hash over all of
// its bytes keeps the spread for any key.
std::uint32_t trim_phase(const session_key& key) {
    std::uint32_t hash = 2166136261u; // FNV-1a
    for (const std::uint8_t byte : key) {
        hash = (hash ^ byte) * 16777619u;
    }
    return hash % trim_stride_frames;
}

// How many replay rows a chain walk follows at most. Every row holds at least one frame, so a
// walk over the window never needs more; the bound keeps a damaged chain (a loop) from spinning.
constexpr std::size_t max_chain_rows = max_frames_kept + trim_stride_frames + 1;

// One replay row as a chain walk reads it.
struct replay_row {
    std::int64_t form = 0; // a replay_form, as stored
    std::uint32_t last_seq = 0;
    std::string frames;
};

// Adds a replay row to `kept`: a turn's blob as it is; a row written before schema 4, whose pack
// holds frames sealed one by one, as its frames after kept.after.
expected<void> add_replay_row(replay_row& row, kept_replay& kept) {
    if (row.form == static_cast<std::int64_t>(replay_form::turn)) {
        kept.sealed.push_back(
            sealed_replay{replay_form::turn, row.last_seq, std::move(row.frames)});
        return {};
    }
    if (row.form != static_cast<std::int64_t>(replay_form::frame)) {
        return fail("replay_corrupt",
                    "a stored replay row has form " + std::to_string(row.form) +
                        ", which this build does not know");
    }
    std::vector<frame_record> frames;
    if (auto unpacked = unpack_frames(row.frames, kept.after, frames); !unpacked) {
        return unpacked.error();
    }
    for (auto& f : frames) {
        kept.sealed.push_back(sealed_replay{replay_form::frame, f.seq, std::move(f.bytes)});
    }
    return {};
}

// A session's `touched` time is rewritten only once it is this many seconds old. Rewriting it on
// every turn moved its entry in the sessions_by_touched index each time (a B-tree delete and
// insert per turn); the purge and the TTL work in days, so a minute of slack changes nothing.
constexpr std::int64_t touch_granularity_seconds = 60;

// The background checkpoint thread's nice value: copying the log back is work no reply waits
// for, so it yields to the network threads and the writer.
//
// The writer keeps the process's nice value but runs under SCHED_BATCH (run_writer), which only
// stops a queued save from preempting a network thread the moment it wakes the writer. The
// network threads then finish the frames they already have, and one commit carries every turn
// that arrived meanwhile; under contention the writer still gets a full share of the core. It
// once ran at this nice value instead, which batched as well, but any other busy process on its
// core then starved it: with a busy loop pinned beside the server, 10,000 sessions at 5,000
// turns/s had a median reply time of 1.6 s (4.3 ms under SCHED_BATCH), and a 20-minute soak beside
// two builds refused 22% of turns once 8,192 saves were waiting. Every reply waits for the
// writer, so it must not be the first thread to go without.
constexpr int checkpointer_nice = 10;

// The shortest time from the end of one commit to the start of the next. A commit costs about as
// much again in fixed work (locks, the log header, waking the writer and handing completions
// back, each a system call) as the turns in it, so at a moderate rate, when every turn came as a
// commit of its own, the writer spent more CPU than the turns did (about 160 µs a turn at 5,500
// turns/s against 45 µs at saturation). Waiting this long after a commit lets the turns arriving
// meanwhile share the next one. An idle store commits at once: the wait starts only when the last
// commit ended less than this long ago. A person never notices a millisecond.
constexpr std::chrono::microseconds min_commit_interval{500};

// Waiting out min_commit_interval pays only while more writes are on their way. When a few busy
// sessions have all sent their turn and now wait for the commit, nothing else will come: at 10
// sessions in a closed loop the full wait capped the store at about 10 turns per 0.9 ms. So the
// writer stops gathering once no write has come for twice the recent average gap between writes,
// or for this long, whichever is more: at a steady moderate rate the gaps stay short against
// their average and batches gather as before, while a burst that has ended commits at once.
// Measured in interleaved closed-loop runs at 10 sessions: 9.4-10.5k turns/s with the full wait,
// 12.2-14.5k with this; no change at 100 or 1,000 sessions or open loop at 6,000 turns/s.
constexpr std::chrono::microseconds min_quiet_gap{50};

// How many writes the running average of the gap between them spans, roughly: long enough that
// the one long gap of a closed loop (while the sessions wait for their replies) does not swamp
// it, short enough to follow a change of rate within a few dozen writes.
constexpr int arrival_gap_smoothing = 8;

// The writer connection's page cache, in KiB (SQLite's default is 2,000). A long session's replay
// trim walks and deletes rows written up to its last 512 frames ago, and under load those rows sit
// on pages the default cache had already dropped, so each one was read back from the file: 1.5
// reads per turn at 10 busy sessions. This bounds the cache for the whole store, not per session;
// it fills only as far as the pages the writer touches.
constexpr int writer_cache_kib = 16 * 1024;

// How large the writer's sub-journal may grow in memory before SQLite moves it to a temporary file
// (SQLite's default is 64 KiB). The sub-journal keeps the pages a save changes, so that one failed
// save rolls back alone within its batch. A replay trim changes a few dozen pages and went past
// 64 KiB; the journal then became a file for the rest of the batch, and every later save in it
// wrote its pages there too: 2.5 to 18 pwrite(2) calls per turn in the runs where it happened.
// At 1 MiB a trim stays in memory, while a purge of many sessions, which can change thousands of
// pages, still goes to disk rather than into memory. That move writes the whole first MiB at once,
// more than SQLite's unix VFS takes in one write (it reported a full disk, so every such purge
// failed); the writer's VFS splits it (wal_coalescing_vfs.hpp), and only the writer journals.
constexpr int sub_journal_spill_bytes = 1 << 20;

// Sets process-wide SQLite options before SQLite's first use. sqlite3_config refuses once SQLite is
// initialised (a process that used SQLite before opening a store); the defaults then stay, which
// costs only the speed above.
void configure_sqlite_once() {
    static const int rc = sqlite3_config(SQLITE_CONFIG_STMTJRNL_SPILL, sub_journal_spill_bytes);
    (void)rc;
}

// A gathering batch this large is committed without waiting out min_commit_interval.
constexpr std::size_t gather_enough_writes = 64;

// --- Requests ------------------------------------------------------------------------------------

struct save_request {
    session_write write;
    std::function<void(write_status)> done;
};
struct erase_request {
    session_key key;
    std::function<void(bool)> done;
};
struct purge_request {
    std::int64_t cutoff_unix;
    std::int64_t transcript_cutoff_unix;
    std::function<void(std::size_t)> done;
};
struct checkpoint_request {
    std::function<void(expected<void>)> done;
};
// A write refused for back-pressure: it touches nothing and only completes, as failed.
struct refused_request {
    std::function<void()> done;
};
using write_request =
    std::variant<save_request, erase_request, purge_request, checkpoint_request, refused_request>;

} // namespace

// --- The engine ----------------------------------------------------------------------------------

class sqlite_store::engine {
public:
    static expected<std::unique_ptr<engine>> open(const sqlite_options& options);
    ~engine();

    void enqueue_write(write_request request, bool counts_against_bound);
    void enqueue_read(std::function<void()> task, std::function<void()> refuse);
    void flush();
    bool ready() const { return healthy_.load(std::memory_order_relaxed); }

    // Reader-side queries; run on the reader thread only.
    expected<std::optional<stored_session>> read_session(const session_key& key);
    expected<kept_replay> read_frames(const session_key& key, std::uint32_t after);
    // Collects `key`'s replay rows holding frames after `after`, newest first, and raises `after`
    // to the replay window's edge. Call only inside a read transaction on the reader's connection.
    expected<void>
    read_chain(const session_key& key, std::uint32_t& after, std::vector<replay_row>& rows);
    expected<std::vector<std::string>> read_transcript(const session_key& key);

private:
    engine() = default;

    expected<void> open_writer();
    expected<void> open_reader();
    void run_writer();
    void run_reader();
    void apply_batch(std::deque<write_request>& batch);

    // Writer-side steps; each returns false (after reporting) when SQLite fails.
    // Steps a prepared statement that returns no rows (BEGIN, SAVEPOINT, COMMIT, ...); false after
    // reporting when SQLite refuses it.
    bool run(const statement& s);
    expected<write_status> apply_save(const session_write& write);
    bool apply_erase(const session_key& key);
    // Drops the replay rows, from row `from` back along its chain, whose frames are all at or
    // before `cutoff`. `from` is the newest row, or a row known to be behind the window.
    expected<void> trim_replay(std::int64_t from, std::uint32_t cutoff);
    expected<std::size_t> apply_purge(std::int64_t cutoff, std::int64_t transcript_cutoff);
    // Sets the writer's secure_delete mode ("ON" or "FAST"); false after reporting a failure.
    bool set_secure_delete(const char* mode);
    // Runs a checkpoint on the writer's connection; TRUNCATE (the default) also empties the log.
    expected<void> run_checkpoint(int mode = SQLITE_CHECKPOINT_TRUNCATE);
    // Copies what the background passes left, so the log can start over (writer only).
    void catch_up_log();
    // Commits a change to nothing right after a failed COMMIT, so what that COMMIT left in the
    // log past its published end cannot come back when the log is next replayed (writer only).
    void write_over_unpublished_log();

    error sqlite_error(sqlite3* db, const std::string& doing) const;
    // The VFS named in the options, or null for SQLite's default.
    const char* base_vfs() const { return options_.vfs.empty() ? nullptr : options_.vfs.c_str(); }
    void report(const error& e) const;
    expected<statement> prepare(sqlite3* db, const char* sql);

    sqlite_options options_;
    std::string path_text_;

    connection writer_db_;
    statement begin_, commit_, rollback_, savepoint_, release_, rollback_to_, insert_session_,
        find_session_, update_session_, update_touched_session_, link_session_, insert_replay_,
        step_replay_, delete_replay_row_, next_transcript_seq_, insert_transcript_, delete_session_,
        delete_replay_, delete_transcript_, purge_replay_, purge_transcripts_, purge_sessions_,
        purge_old_transcripts_;

    std::chrono::steady_clock::time_point last_commit_end_{}; // writer only
    std::chrono::steady_clock::time_point last_arrival_{};    // under write_mutex_
    // Running average of the gap between queued writes, capped at min_commit_interval.
    std::chrono::nanoseconds arrival_gap_{min_commit_interval}; // under write_mutex_
    int log_frames_ = 0; // frames in the write-ahead log after the last commit (writer only)
    int log_frames_at_request_ = 0; // log_frames_ when a background pass was last asked for
    // The log length at which the writer next copies the log itself (catch_up_log): the hard
    // limit, or further on after a catch-up the disk refused.
    int catch_up_at_frames_ = checkpoint_hard_limit_frames;
    std::unique_ptr<sqlite_checkpointer> checkpointer_;

    connection reader_db_;
    statement begin_read_, end_read_, select_session_, select_replay_head_, select_replay_row_,
        select_transcript_;

    std::atomic<bool> healthy_{true};

    std::mutex write_mutex_;
    std::condition_variable write_queued_;
    std::condition_variable write_done_;
    std::deque<write_request> writes_;
    std::size_t bounded_writes_ = 0; // queued writes that count against max_queued_writes
    std::uint64_t writes_accepted_ = 0;
    std::uint64_t writes_completed_ = 0;
    bool stopping_ = false;

    std::mutex read_mutex_;
    std::condition_variable read_queued_;
    std::deque<std::function<void()>> reads_;
    std::size_t bounded_reads_ = 0;
    bool reader_stopping_ = false;

    std::thread writer_;
    std::thread reader_;
};

namespace {

// What an operator can do about the error SQLite last reported on `db`, as a clause to append to
// its message; empty when there is nothing to add.
std::string what_to_do(sqlite3* db) {
    switch (sqlite3_errcode(db) & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return "; another program holds the store's write lock (only one heregoes server may use "
               "a store file, and a sqlite3 shell left inside a transaction blocks it too)";
    case SQLITE_FULL:
        return "; the disk is full: free space on it";
    case SQLITE_IOERR:
        return "; the disk reported an error: check it (the kernel log says more)";
    case SQLITE_NOMEM:
        return "; the process ran out of memory";
    default:
        return "";
    }
}

} // namespace

error sqlite_store::engine::sqlite_error(sqlite3* db, const std::string& doing) const {
    return fail("store_failed",
                doing + " failed: " +
                    (db != nullptr ? sqlite3_errmsg(db) + what_to_do(db) : "out of memory"),
                path_text_);
}

void sqlite_store::engine::report(const error& e) const {
    if (options_.on_error) {
        options_.on_error(e);
    } else {
        std::cerr << "heregoes store: " << e.to_string() << '\n';
    }
}

expected<statement> sqlite_store::engine::prepare(sqlite3* db, const char* sql) {
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &raw, nullptr) != SQLITE_OK) {
        sqlite3_finalize(raw);
        return sqlite_error(db, "preparing a statement");
    }
    return statement(raw);
}

bool sqlite_store::engine::run(const statement& s) {
    statement_use use(s);
    if (use.step() != SQLITE_DONE) {
        report(fail("store_failed",
                    std::string(sqlite3_sql(s.get())) + " failed: " +
                        sqlite3_errmsg(writer_db_.get()) + what_to_do(writer_db_.get()),
                    path_text_));
        return false;
    }
    return true;
}

namespace {

// Opens one connection, through the VFS named `vfs` (null: SQLite's default); maps SQLite's
// refusals to errors that say what to do.
expected<connection> open_connection(const std::string& path,
                                     int flags,
                                     const sqlite_options& o,
                                     const char* vfs = nullptr) {
    sqlite3* raw = nullptr;
    int rc = sqlite3_open_v2(path.c_str(), &raw, flags | SQLITE_OPEN_NOMUTEX, vfs);
    connection db(raw);
    if (rc != SQLITE_OK) {
        return fail("store_open",
                    std::string("cannot open the session store: ") +
                        (raw != nullptr ? sqlite3_errmsg(raw) : "out of memory") +
                        "; check that the directory exists and is writable",
                    path);
    }
    sqlite3_extended_result_codes(db.get(), 1);
    sqlite3_busy_timeout(db.get(), static_cast<int>(o.busy_timeout.count()));
    return db;
}

// Runs a pragma that returns one text row and gives that row, or an error message.
expected<std::string> pragma_text(sqlite3* db, const char* sql, const std::string& path) {
    sqlite3_stmt* raw = nullptr;
    int rc = sqlite3_prepare_v2(db, sql, -1, &raw, nullptr);
    statement s(raw);
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(raw);
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        int primary = sqlite3_errcode(db) & 0xff;
        std::string hint =
            primary == SQLITE_NOTADB
                ? "; the file is not a heregoes session store (not a SQLite database)"
            : primary == SQLITE_BUSY ? "; another program holds the file locked"
                                     : "";
        return fail("store_open",
                    std::string("cannot use the session store: ") + sqlite3_errmsg(db) + hint,
                    path);
    }
    const unsigned char* text = rc == SQLITE_ROW ? sqlite3_column_text(raw, 0) : nullptr;
    return std::string(text != nullptr ? reinterpret_cast<const char*>(text) : "");
}

} // namespace

expected<void> sqlite_store::engine::open_writer() {
    // The writer alone goes through the coalescing VFS: it is the only connection that writes the
    // log (wal_coalescing_vfs.hpp).
    auto vfs = wal_coalescing_vfs(base_vfs());
    if (!vfs) {
        return fail(vfs.error().code, vfs.error().message, path_text_);
    }
    auto db =
        open_connection(path_text_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, options_, *vfs);
    if (!db) {
        return db.error();
    }
    writer_db_ = std::move(*db);
    sqlite3* w = writer_db_.get();

    auto mode = pragma_text(w, "PRAGMA journal_mode=WAL", path_text_);
    if (!mode) {
        return mode.error();
    }
    if (*mode != "wal") {
        return fail("store_open",
                    "the session store needs WAL mode but SQLite chose '" + *mode +
                        "'; put the file on a local filesystem",
                    path_text_);
    }
    const char* sync = options_.synchronous == sqlite_sync::full ? "PRAGMA synchronous=FULL"
                                                                 : "PRAGMA synchronous=NORMAL";
    const std::string cache = "PRAGMA cache_size=-" + std::to_string(writer_cache_kib);
    const std::string log_limit =
        "PRAGMA journal_size_limit=" + std::to_string(log_size_limit_bytes);
    for (const char* pragma :
         {sync, "PRAGMA secure_delete=FAST", cache.c_str(), log_limit.c_str()}) {
        if (auto r = pragma_text(w, pragma, path_text_); !r) {
            return r.error();
        }
    }

    auto version_text = pragma_text(w, "PRAGMA user_version", path_text_);
    if (!version_text) {
        return version_text.error();
    }
    int version = std::stoi(*version_text);
    if (version > sqlite_schema_version) {
        return fail("store_schema",
                    "the session store was written by a newer heregoes (schema " +
                        std::to_string(version) + "; this build knows up to " +
                        std::to_string(sqlite_schema_version) +
                        "); upgrade heregoes or point it at another file",
                    path_text_);
    }
    // A migration copies tables and drops the old ones. Under secure_delete=FAST the dropped pages
    // would keep their sealed rows on the free list after the sessions they belong to are erased,
    // so migrations zero every page they free.
    if (version < sqlite_schema_version) {
        if (auto r = pragma_text(w, "PRAGMA secure_delete=ON", path_text_); !r) {
            return r.error();
        }
    }
    for (int next = version + 1; next <= sqlite_schema_version; ++next) {
        std::string failure;
        auto run = [&](const std::string& sql) {
            char* message = nullptr;
            if (sqlite3_exec(w, sql.c_str(), nullptr, nullptr, &message) == SQLITE_OK) {
                return true;
            }
            failure = message != nullptr ? message : sqlite3_errmsg(w);
            sqlite3_free(message);
            return false;
        };
        bool ok = run(std::string("BEGIN IMMEDIATE;") + migrations[next - 1]);
        if (ok && next == 2 && !copy_frames_to_replay(w)) {
            failure = sqlite3_errmsg(w);
            ok = false;
        }
        ok = ok && run("PRAGMA user_version=" + std::to_string(next) + ";COMMIT;");
        if (!ok) {
            sqlite3_exec(w, "ROLLBACK", nullptr, nullptr, nullptr);
            return fail("store_schema",
                        "upgrading the session store to schema " + std::to_string(next) +
                            " failed: " + failure,
                        path_text_);
        }
    }
    if (version < sqlite_schema_version) {
        if (auto r = pragma_text(w, "PRAGMA secure_delete=FAST", path_text_); !r) {
            return r.error();
        }
    }

    struct {
        statement* target;
        const char* sql;
    } const statements[] = {
        {&begin_, "BEGIN IMMEDIATE"},
        {&commit_, "COMMIT"},
        {&rollback_, "ROLLBACK"},
        {&savepoint_, "SAVEPOINT one_write"},
        {&release_, "RELEASE one_write"},
        {&rollback_to_, "ROLLBACK TO one_write"},
        // No RETURNING: SQLite gathers a RETURNING statement's rows in a temporary table, which
        // cost a B-tree open and a page cache per save.
        {&insert_session_,
         "INSERT INTO sessions (key, version, state, touched) VALUES (?1, 1, ?2, ?3) "
         "ON CONFLICT (key) DO NOTHING"},
        {&find_session_,
         "SELECT id, version, touched, replay_head, trim_mark, trim_mark_next FROM sessions "
         "WHERE key = ?1"},
        // Two forms, so that the sessions_by_touched index entry moves only when `touched` does.
        {&update_session_,
         "UPDATE sessions SET version = ?2, state = ?3, replay_head = ?4, trim_mark = ?5, "
         "trim_mark_next = ?6 WHERE id = ?1"},
        {&update_touched_session_,
         "UPDATE sessions SET version = ?2, state = ?3, replay_head = ?4, trim_mark = ?5, "
         "trim_mark_next = ?6, touched = ?7 WHERE id = ?1"},
        {&link_session_, "UPDATE sessions SET replay_head = ?2 WHERE id = ?1"},

        {&insert_replay_,
         "INSERT INTO replay (last_seq, prev, frames, form) VALUES (?1, ?2, ?3, ?4)"},
        {&step_replay_, "SELECT last_seq, prev FROM replay WHERE id = ?1"},
        {&delete_replay_row_, "DELETE FROM replay WHERE id = ?1"},
        {&next_transcript_seq_, "SELECT COALESCE(MAX(seq), 0) + 1 FROM transcripts WHERE key = ?1"},
        {&insert_transcript_,
         "INSERT INTO transcripts (key, seq, sealed, at) VALUES (?1, ?2, ?3, ?4)"},
        {&delete_session_, "DELETE FROM sessions WHERE key = ?1"},
        {&delete_replay_,
         "WITH RECURSIVE chain(id) AS ("
         "  SELECT replay_head FROM sessions WHERE key = ?1"
         "  UNION ALL SELECT r.prev FROM replay r JOIN chain c ON r.id = c.id)"
         " DELETE FROM replay WHERE id IN (SELECT id FROM chain)"},
        {&delete_transcript_, "DELETE FROM transcripts WHERE key = ?1"},
        {&purge_replay_,
         "WITH RECURSIVE chain(id) AS ("
         "  SELECT replay_head FROM sessions WHERE touched < ?1 AND replay_head IS NOT NULL"
         "  UNION ALL SELECT r.prev FROM replay r JOIN chain c ON r.id = c.id)"
         " DELETE FROM replay WHERE id IN (SELECT id FROM chain)"},
        {&purge_transcripts_,
         "DELETE FROM transcripts WHERE key IN (SELECT key FROM sessions WHERE touched < ?1)"},
        {&purge_sessions_, "DELETE FROM sessions WHERE touched < ?1"},
        {&purge_old_transcripts_, "DELETE FROM transcripts WHERE at < ?1"},
    };
    for (const auto& s : statements) {
        auto prepared = prepare(w, s.sql);
        if (!prepared) {
            return prepared.error();
        }
        *s.target = std::move(*prepared);
    }
    return {};
}

expected<void> sqlite_store::engine::open_reader() {
    auto db = open_connection(path_text_, SQLITE_OPEN_READWRITE, options_, base_vfs());
    if (!db) {
        return db.error();
    }
    reader_db_ = std::move(*db);
    if (auto r = pragma_text(reader_db_.get(), "PRAGMA query_only=ON", path_text_); !r) {
        return r.error();
    }
    struct {
        statement* target;
        const char* sql;
    } const statements[] = {
        {&begin_read_, "BEGIN"},
        {&end_read_, "COMMIT"},
        {&select_session_, "SELECT version, state, touched FROM sessions WHERE key = ?1"},
        {&select_replay_head_, "SELECT replay_head FROM sessions WHERE key = ?1"},
        {&select_replay_row_, "SELECT last_seq, prev, frames, form FROM replay WHERE id = ?1"},
        {&select_transcript_, "SELECT sealed FROM transcripts WHERE key = ?1 ORDER BY seq"},
    };
    for (const auto& s : statements) {
        auto prepared = prepare(reader_db_.get(), s.sql);
        if (!prepared) {
            return prepared.error();
        }
        *s.target = std::move(*prepared);
    }
    return {};
}

expected<std::unique_ptr<sqlite_store::engine>>
sqlite_store::engine::open(const sqlite_options& options) {
    std::unique_ptr<engine> e(new engine());
    e->options_ = options;
    e->path_text_ = options.path.string();
    if (options.path.empty()) {
        return fail("store_open", "the session store needs a file path; none was configured");
    }
    if (auto parent = options.path.parent_path(); !parent.empty()) {
        std::error_code ec;
        std::filesystem::create_directories(parent, ec);
        if (ec) {
            return fail("store_open",
                        "cannot create the directory for the session store: " + ec.message() +
                            "; choose a writable path",
                        e->path_text_);
        }
    }
    configure_sqlite_once();
    if (auto r = e->open_writer(); !r) {
        return r.error();
    }
    if (auto r = e->open_reader(); !r) {
        return r.error();
    }
    auto checkpointer = sqlite_checkpointer::start(
        e->path_text_,
        checkpointer_nice,
        [raw = e.get()](const error& err) { raw->report(err); },
        e->base_vfs());
    if (!checkpointer) {
        return checkpointer.error();
    }
    e->checkpointer_ = std::move(*checkpointer);
    // The hook replaces SQLite's automatic checkpoint, which would run inside the writer's COMMIT.
    sqlite3_wal_hook(
        e->writer_db_.get(),
        [](void* self, sqlite3*, const char*, int frames) {
            auto* raw = static_cast<engine*>(self);
            if (frames < raw->log_frames_at_request_) {
                raw->log_frames_at_request_ = 0; // the log started over
            }
            if (frames < raw->log_frames_) {
                // The log started over, so a catch-up the disk refused is behind it.
                raw->catch_up_at_frames_ = checkpoint_hard_limit_frames;
            }
            raw->log_frames_ = frames;
            // One pass per checkpoint_after_frames of new log: a pass stops at the log's end as
            // it found it, so asking after every commit would start a pass per commit. Past the
            // hard limit the writer copies the rest itself (catch_up_log), which it cannot do
            // while a pass runs.
            if (frames - raw->log_frames_at_request_ >= checkpoint_after_frames &&
                frames < checkpoint_hard_limit_frames) {
                raw->log_frames_at_request_ = frames;
                raw->checkpointer_->request();
            }
            return SQLITE_OK;
        },
        e.get());
    e->writer_ = std::thread([raw = e.get()] { raw->run_writer(); });
    e->reader_ = std::thread([raw = e.get()] { raw->run_reader(); });
    // Named (here, so the names are set before open returns) so a stack snapshot or `top -H`
    // tells the store's threads from the network threads.
    pthread_setname_np(e->writer_.native_handle(), "hg-writer");
    pthread_setname_np(e->reader_.native_handle(), "hg-reader");
    return e;
}

sqlite_store::engine::~engine() {
    {
        std::lock_guard lock(write_mutex_);
        stopping_ = true;
    }
    write_queued_.notify_all();
    if (writer_.joinable()) {
        writer_.join();
    }
    {
        std::lock_guard lock(read_mutex_);
        reader_stopping_ = true;
    }
    read_queued_.notify_all();
    if (reader_.joinable()) {
        reader_.join();
    }
    checkpointer_.reset();
    // Statements before connections: a connection with live statements does not close.
    for (statement* s : {&begin_,
                         &commit_,
                         &rollback_,
                         &savepoint_,
                         &release_,
                         &rollback_to_,
                         &insert_session_,
                         &find_session_,
                         &update_session_,
                         &update_touched_session_,
                         &link_session_,

                         &insert_replay_,
                         &step_replay_,
                         &delete_replay_row_,
                         &next_transcript_seq_,
                         &insert_transcript_,
                         &delete_session_,
                         &delete_replay_,
                         &delete_transcript_,
                         &purge_replay_,
                         &purge_transcripts_,
                         &purge_sessions_,
                         &purge_old_transcripts_,
                         &begin_read_,
                         &end_read_,
                         &select_session_,
                         &select_replay_head_,
                         &select_replay_row_,
                         &select_transcript_}) {
        s->reset();
    }
    reader_db_.reset();
    writer_db_.reset();
}

// --- Writer --------------------------------------------------------------------------------------

void sqlite_store::engine::enqueue_write(write_request request, bool counts_against_bound) {
    bool wake = false;
    {
        std::lock_guard lock(write_mutex_);
        if (counts_against_bound && bounded_writes_ >= max_queued_writes) {
            // Back-pressure: keep only the completion, which reports the refusal from the writer.
            refused_request refused;
            std::visit(
                [&refused](auto& r) {
                    using type = std::decay_t<decltype(r)>;
                    if constexpr (std::is_same_v<type, save_request>) {
                        refused.done = [done = std::move(r.done)] {
                            done(write_status::failed);
                        };
                    } else if constexpr (std::is_same_v<type, erase_request>) {
                        refused.done = [done = std::move(r.done)] {
                            done(false);
                        };
                    } else if constexpr (std::is_same_v<type, purge_request>) {
                        refused.done = [done = std::move(r.done)] {
                            done(0);
                        };
                    } else if constexpr (std::is_same_v<type, checkpoint_request>) {
                        refused.done = [done = std::move(r.done)] {
                            done(fail("store_busy", "the session store is behind; try again"));
                        };
                    } else {
                        refused.done = std::move(r.done);
                    }
                },
                request);
            writes_.emplace_back(std::move(refused));
            report(fail("store_busy",
                        "refused a write: " + std::to_string(max_queued_writes) +
                            " writes are already waiting for the disk",
                        path_text_));
        } else {
            writes_.push_back(std::move(request));
            if (counts_against_bound) {
                ++bounded_writes_;
            }
            // The gap to the previous write, as a running average; run_writer waits for more writes
            // only while the gap since the last one is short against it.
            const auto now = std::chrono::steady_clock::now();
            const auto gap =
                std::min<std::chrono::nanoseconds>(now - last_arrival_, min_commit_interval);
            arrival_gap_ += (gap - arrival_gap_) / arrival_gap_smoothing;
            last_arrival_ = now;
        }
        ++writes_accepted_;
        // The writer waits for the first write of a batch, or for a full batch while it gathers
        // one (run_writer); waking it for every write in between would only cost a switch.
        wake = writes_.size() == 1 || writes_.size() == gather_enough_writes;
    }
    if (wake) {
        write_queued_.notify_one();
    }
}

void sqlite_store::engine::run_writer() {
#ifdef SCHED_BATCH
    // See checkpointer_nice. Failing to set it only costs batching, so it is ignored.
    const sched_param batch_priority{};
    (void)pthread_setschedparam(pthread_self(), SCHED_BATCH, &batch_priority);
#endif
    std::unique_lock lock(write_mutex_);
    for (;;) {
        write_queued_.wait(lock, [this] { return stopping_ || !writes_.empty(); });
        if (writes_.empty()) {
            return; // stopping, and every accepted write has completed
        }
        // Under load, let a batch gather (min_commit_interval), but only while writes keep coming.
        const auto deadline = last_commit_end_ + min_commit_interval;
        while (!stopping_ && writes_.size() < gather_enough_writes) {
            const auto now = std::chrono::steady_clock::now();
            const auto quiet = std::max<std::chrono::nanoseconds>(min_quiet_gap, 2 * arrival_gap_);
            if (now >= deadline || now - last_arrival_ >= quiet) {
                break;
            }
            write_queued_.wait_until(lock, std::min(deadline, last_arrival_ + quiet), [this] {
                return stopping_ || writes_.size() >= gather_enough_writes;
            });
        }
        std::deque<write_request> batch;
        batch.swap(writes_);
        bounded_writes_ = 0;
        lock.unlock();
        const std::size_t count = batch.size();
        apply_batch(batch);
        last_commit_end_ = std::chrono::steady_clock::now();
        lock.lock();
        writes_completed_ += count;
        write_done_.notify_all();
    }
}

expected<write_status> sqlite_store::engine::apply_save(const session_write& write) {
    sqlite3* w = writer_db_.get();
    std::int64_t id = 0;
    std::int64_t head = 0;
    // Where the session's next two trims start (migration 5); 0 when not known yet.
    std::int64_t mark = 0;
    std::int64_t mark_next = 0;
    bool touch = false;
    if (write.expected_version == 0) {
        statement_use insert(insert_session_);
        insert.bind(1, write.key);
        insert.bind(2, write.sealed_state);
        insert.bind(3, write.now_unix);
        if (insert.step() != SQLITE_DONE) {
            return sqlite_error(w, "creating a session");
        }
        if (sqlite3_changes(w) == 0) {
            return write_status::conflict; // the key exists: nothing was written
        }
        id = sqlite3_last_insert_rowid(w);
    } else {
        statement_use find(find_session_);
        find.bind(1, write.key);
        const int rc = find.step();
        if (rc == SQLITE_DONE || (rc == SQLITE_ROW && static_cast<std::uint64_t>(find.integer(1)) !=
                                                          write.expected_version)) {
            return write_status::conflict; // no such session or version: nothing was written
        }
        if (rc != SQLITE_ROW) {
            return sqlite_error(w, "finding a session");
        }
        id = find.integer(0);
        touch = write.now_unix - find.integer(2) >= touch_granularity_seconds;
        head = find.integer(3); // NULL reads as 0: no replay rows yet
        mark = find.integer(4); // NULL reads as 0: no mark
        mark_next = find.integer(5);
    }
    std::int64_t new_head = head;
    if (write.frames) {
        const std::uint32_t first_seq = write.frames->first_seq;
        const std::uint32_t last_seq = write.frames->last_seq;
        {
            statement_use insert(insert_replay_);
            insert.bind(1, static_cast<std::int64_t>(last_seq));
            insert.bind_id(2, head);
            insert.bind(3, write.frames->sealed);
            insert.bind(4, static_cast<std::int64_t>(replay_form::turn));
            if (insert.step() != SQLITE_DONE) {
                return sqlite_error(w, "storing a turn's replay frames");
            }
        }
        new_head = sqlite3_last_insert_rowid(w);
        // Once every trim_stride_frames, at the session's own phase (a crossing), past the
        // window: drop the rows wholly older than it. A row straddling the edge stays, and
        // open_replay leaves out its frames behind the edge.
        //
        // The trim starts at `mark`, the row that was newest just before the crossing two
        // crossings back, when the session has one (migration 5), and walks back from the newest
        // row otherwise. The mark is behind the window: each crossing passes at least one point
        // of the session's stride (a frame whose seq plus the phase is a multiple of it), so this
        // save's last frame is at least two strides (the window) past the point the marked
        // crossing passed, and the marked row ends before that point. Rows between the mark and
        // the window's edge stay until the next trim; the replay leaves them out.
        const std::uint32_t phase = trim_phase(write.key);
        if ((last_seq + phase) / trim_stride_frames !=
            (first_seq - 1 + phase) / trim_stride_frames) {
            if (last_seq > max_frames_kept) {
                if (auto trimmed = trim_replay(mark != 0 ? mark : head, last_seq - max_frames_kept);
                    !trimmed) {
                    return trimmed.error();
                }
            }
            mark = mark_next;
            mark_next = head;
        }
    }
    if (write.expected_version == 0) {
        if (new_head != 0) {
            statement_use link(link_session_);
            link.bind(1, id);
            link.bind(2, new_head);
            if (link.step() != SQLITE_DONE) {
                return sqlite_error(w, "linking a turn's replay frames");
            }
        }
    } else {
        statement_use update(touch ? update_touched_session_ : update_session_);
        update.bind(1, id);
        update.bind(2, static_cast<std::int64_t>(write.expected_version + 1));
        update.bind(3, write.sealed_state);
        update.bind_id(4, new_head);
        update.bind_id(5, mark);
        update.bind_id(6, mark_next);
        if (touch) {
            update.bind(7, write.now_unix);
        }
        if (update.step() != SQLITE_DONE) {
            return sqlite_error(w, "updating a session");
        }
    }
    if (!write.sealed_transcript.empty()) {
        std::int64_t seq = 1;
        {
            statement_use next(next_transcript_seq_);
            next.bind(1, write.key);
            if (next.step() != SQLITE_ROW) {
                return sqlite_error(w, "numbering transcript lines");
            }
            seq = next.integer(0);
        }
        for (const auto& line : write.sealed_transcript) {
            statement_use insert(insert_transcript_);
            insert.bind(1, write.key);
            insert.bind(2, seq++);
            insert.bind(3, line);
            insert.bind(4, write.now_unix);
            if (insert.step() != SQLITE_DONE) {
                return sqlite_error(w, "storing a transcript line");
            }
        }
    }
    return write_status::ok;
}

expected<void> sqlite_store::engine::trim_replay(std::int64_t from, std::uint32_t cutoff) {
    sqlite3* w = writer_db_.get();
    // One walk back from `from` (the session's mark, or its newest row): rows after the cutoff
    // stay; the first row wholly at or before it, and every row behind it, go. From a mark the
    // first row already goes, so the walk reads only rows it drops.
    bool dropping = false;
    std::int64_t row = from;
    // The chain at a trim spans the window, the stride since the last trim and a straddling row:
    // within max_chain_rows. Twice that leaves room for a chain a failed trim left longer.
    for (std::size_t walked = 0; row != 0 && walked < 2 * max_chain_rows; ++walked) {
        std::int64_t prev = 0;
        {
            statement_use step(step_replay_);
            step.bind(1, row);
            const int rc = step.step();
            if (rc == SQLITE_DONE) {
                return {}; // the chain ends here: nothing older to drop
            }
            if (rc != SQLITE_ROW) {
                return sqlite_error(w, "walking old replay frames");
            }
            dropping = dropping || static_cast<std::uint32_t>(step.integer(0)) <= cutoff;
            prev = step.integer(1);
        }
        if (dropping) {
            statement_use del(delete_replay_row_);
            del.bind(1, row);
            if (del.step() != SQLITE_DONE) {
                return sqlite_error(w, "dropping old replay frames");
            }
        }
        row = prev;
    }
    return {};
}

bool sqlite_store::engine::apply_erase(const session_key& key) {
    for (const statement* s : {&delete_replay_, &delete_transcript_, &delete_session_}) {
        statement_use del(*s);
        del.bind(1, key);
        if (del.step() != SQLITE_DONE) {
            report(sqlite_error(writer_db_.get(), "erasing a session"));
            return false;
        }
    }
    return true;
}

expected<std::size_t> sqlite_store::engine::apply_purge(std::int64_t cutoff,
                                                        std::int64_t transcript_cutoff) {
    sqlite3* w = writer_db_.get();
    std::size_t sessions = 0;
    for (const statement* s : {&purge_replay_, &purge_transcripts_, &purge_sessions_}) {
        statement_use del(*s);
        del.bind(1, cutoff);
        if (del.step() != SQLITE_DONE) {
            return sqlite_error(w, "purging idle sessions");
        }
        if (s == &purge_sessions_) {
            sessions = static_cast<std::size_t>(sqlite3_changes(w));
        }
    }
    statement_use del(purge_old_transcripts_);
    del.bind(1, transcript_cutoff);
    if (del.step() != SQLITE_DONE) {
        return sqlite_error(w, "purging old transcripts");
    }
    return sessions;
}

void sqlite_store::engine::catch_up_log() {
    // The background checkpoint is not keeping up; catch up here so the log stays bounded. Past
    // the limit the commit hook asks for no more passes, so a pass still running ends soon and
    // this succeeds at a later batch: SQLite refuses a second checkpoint while one runs, and
    // waiting here would stall every turn queued behind the writer.
    const int rc = sqlite3_wal_checkpoint_v2(
        writer_db_.get(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    if (rc == SQLITE_BUSY) {
        return;
    }
    if (rc != SQLITE_OK) {
        // The disk refused (an fsync of the database file, say). Nothing committed is lost
        // (checkpoint_failed says why), but trying again at every batch would copy the whole log
        // and log a line per batch, many times a second under load, each time stalling every
        // turn queued behind the writer. The writer tries again once the log has grown by
        // another checkpoint_after_frames.
        report(checkpoint_failed(path_text_, sqlite3_errmsg(writer_db_.get())));
        catch_up_at_frames_ = log_frames_ + checkpoint_after_frames;
        return;
    }
    catch_up_at_frames_ = checkpoint_hard_limit_frames;
    // The next commit starts the log over and its hook reports the log's true length.
    log_frames_ = 0;
    log_frames_at_request_ = 0;
}

expected<void> sqlite_store::engine::run_checkpoint(int mode) {
    int log_frames = 0;
    int checkpointed = 0;
    int rc = sqlite3_wal_checkpoint_v2(writer_db_.get(), nullptr, mode, &log_frames, &checkpointed);
    if (rc != SQLITE_OK) {
        return checkpoint_failed(path_text_, sqlite3_errmsg(writer_db_.get()));
    }
    return {};
}

// A COMMIT can fail after the batch's commit frame is already in the -wal file: under
// synchronous=FULL its fsync comes after every frame is written. SQLite then rolls the batch back
// and does not publish the frames, so this process never sees them, but they stay in the file with
// valid checksums, and a process that dies now (kill -9, a crash) has them replayed on the next
// open: saves reported failed would come back, at versions their connections never learned of.
// Recovery stops at the first frame whose checksum does not follow from the one before, and the
// next commit writes its frames from the published end on, over the first of them, so one is
// made at once. It rewrites page 1 as it is (user_version set to its own value): replaying it, or
// losing it, changes nothing.
void sqlite_store::engine::write_over_unpublished_log() {
    sqlite3* w = writer_db_.get();
    if (sqlite3_get_autocommit(w) == 0) {
        return; // the failed batch is still open (its ROLLBACK failed): the next batch ends it
    }
    const std::string sql = "PRAGMA user_version=" + std::to_string(sqlite_schema_version);
    if (sqlite3_exec(w, sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) {
        error e = sqlite_error(w, "writing over the log after a failed commit");
        e.message += ". If the server stops before a later commit succeeds, the saves of the "
                     "failed batch may be found in the file when it restarts";
        report(e);
    }
}

bool sqlite_store::engine::set_secure_delete(const char* mode) {
    // A pragma acts when it is prepared, so it cannot be kept as a prepared statement.
    const std::string sql = std::string("PRAGMA secure_delete=") + mode;
    if (sqlite3_exec(writer_db_.get(), sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) {
        report(sqlite_error(writer_db_.get(), sql));
        return false;
    }
    return true;
}

void sqlite_store::engine::apply_batch(std::deque<write_request>& batch) {
    sqlite3* w = writer_db_.get();
    // One result per request: a write_status, an erase's bool, a purge's count.
    std::vector<std::variant<write_status, bool, std::size_t>> results(batch.size());
    if (log_frames_ >= catch_up_at_frames_) {
        catch_up_log();
    }
    // Erases and purges zero the pages they free too (see "Privacy" at the top).
    const bool erases = std::any_of(batch.begin(), batch.end(), [](const write_request& r) {
        return std::holds_alternative<erase_request>(r) || std::holds_alternative<purge_request>(r);
    });
    // An erase that could not zero what it frees would leave sealed bytes on the free pages, so
    // it is refused (reported failed) rather than run; the batch's saves still go ahead.
    const bool zeroing = erases && set_secure_delete("ON");
    // A transaction left open by an earlier batch (its ROLLBACK failed) would make this BEGIN
    // fail, and every batch after it.
    if (sqlite3_get_autocommit(w) == 0) {
        run(rollback_);
    }
    bool in_transaction = run(begin_);
    bool deleted_anything = false;
    bool wants_checkpoint = false;
    // On some errors (a full disk, an I/O error) SQLite rolls the whole transaction back itself.
    // Nothing may run after that: a SAVEPOINT would start a new transaction and its RELEASE commit
    // the later saves one by one, while the batch, failing at COMMIT, reported them all failed. A
    // session would then hold a version its connection never learned of, and every later turn of
    // it would conflict. Everything in the batch is reported failed instead, as it truly is.
    // So this is asked before every statement of the batch, the savepoint statements included:
    // SQLite rolls back for a failed SAVEPOINT, ROLLBACK TO or RELEASE too (out of memory, say).
    const auto transaction_lost = [&] {
        if (in_transaction && sqlite3_get_autocommit(w) != 0) {
            in_transaction = false;
        }
        return !in_transaction;
    };
    // Ends one write's savepoint: undone when the write failed, kept otherwise. False when the
    // batch can go no further: SQLite rolled it back, or a failed write could not be undone (its
    // ROLLBACK TO failed), when the batch is rolled back whole rather than commit half a write.
    // A failed RELEASE that keeps the transaction leaves the savepoint open inside it, which
    // COMMIT releases with the rest, so the write stands.
    const auto end_write = [&](bool ok) {
        if (transaction_lost()) {
            return false;
        }
        if (!ok && !run(rollback_to_)) {
            if (!transaction_lost()) {
                run(rollback_);
                in_transaction = false;
            }
            return false;
        }
        run(release_);
        return true;
    };

    for (std::size_t i = 0; i < batch.size(); ++i) {
        auto& request = batch[i];
        if (auto* save = std::get_if<save_request>(&request)) {
            results[i] = write_status::failed;
            if (transaction_lost() || !run(savepoint_)) {
                continue;
            }
            auto status = apply_save(save->write);
            if (!status) {
                report(status.error());
            }
            if (end_write(status.has_value()) && status) {
                results[i] = *status;
            }
        } else if (auto* erase = std::get_if<erase_request>(&request)) {
            results[i] = false;
            if (!zeroing || transaction_lost() || !run(savepoint_)) {
                continue;
            }
            const bool ok = apply_erase(erase->key);
            if (end_write(ok)) {
                results[i] = ok;
                deleted_anything = deleted_anything || ok;
            }
        } else if (auto* purge = std::get_if<purge_request>(&request)) {
            results[i] = std::size_t{0};
            if (!zeroing || transaction_lost() || !run(savepoint_)) {
                continue;
            }
            const std::int64_t before = sqlite3_total_changes64(w);
            auto erased = apply_purge(purge->cutoff_unix, purge->transcript_cutoff_unix);
            if (!erased) {
                report(erased.error());
            }
            if (end_write(erased.has_value()) && erased) {
                results[i] = *erased;
                deleted_anything = deleted_anything || sqlite3_total_changes64(w) != before;
            }
        } else if (std::holds_alternative<checkpoint_request>(request)) {
            wants_checkpoint = true;
        }
    }

    bool committed = false;
    if (!transaction_lost()) {
        committed = run(commit_);
        if (!committed && sqlite3_get_autocommit(w) == 0) {
            run(rollback_);
        }
        if (!committed) {
            write_over_unpublished_log();
        }
    }
    healthy_.store(committed, std::memory_order_relaxed);
    if (erases) {
        set_secure_delete("FAST");
    }

    // After an erase, rewrite the log away too, so the erased bytes leave every file.
    expected<void> checkpointed;
    if (committed && (deleted_anything || wants_checkpoint)) {
        checkpointed = run_checkpoint();
        if (!checkpointed && deleted_anything) {
            error e = checkpointed.error();
            e.message += ". Until a later full checkpoint succeeds (the next erase's, or "
                         "sqlite_store::checkpoint), the log also keeps the sealed bytes of the "
                         "sessions erased just now";
            report(e);
        }
    }

    // Saves are what every turn waits for, so their completions go out together: one hand-over
    // to run_completions per commit (see sqlite_options). The rest run here, as they always did.
    save_completions saves;
    saves.reserve(batch.size());
    for (std::size_t i = 0; i < batch.size(); ++i) {
        std::visit(
            [&](auto& r) {
                using type = std::decay_t<decltype(r)>;
                if constexpr (std::is_same_v<type, save_request>) {
                    auto status = std::get<write_status>(results[i]);
                    saves.emplace_back(std::move(r.done),
                                       committed ? status : write_status::failed);
                } else if constexpr (std::is_same_v<type, erase_request>) {
                    r.done(committed && std::get<bool>(results[i]));
                } else if constexpr (std::is_same_v<type, purge_request>) {
                    r.done(committed ? std::get<std::size_t>(results[i]) : 0);
                } else if constexpr (std::is_same_v<type, checkpoint_request>) {
                    if (!committed) {
                        r.done(
                            fail("store_failed", "the write batch failed to commit", path_text_));
                    } else {
                        r.done(checkpointed);
                    }
                } else {
                    r.done();
                }
            },
            batch[i]);
    }
    hand_over_saves(options_.run_completions, std::move(saves));
}

void sqlite_store::engine::flush() {
    std::unique_lock lock(write_mutex_);
    const std::uint64_t target = writes_accepted_;
    write_done_.wait(lock, [this, target] { return writes_completed_ >= target; });
}

// --- Reader --------------------------------------------------------------------------------------

void sqlite_store::engine::enqueue_read(std::function<void()> task, std::function<void()> refuse) {
    {
        std::lock_guard lock(read_mutex_);
        if (bounded_reads_ >= max_queued_reads) {
            reads_.push_back(std::move(refuse));
        } else {
            reads_.push_back(std::move(task));
            ++bounded_reads_;
        }
    }
    read_queued_.notify_one();
}

void sqlite_store::engine::run_reader() {
    std::unique_lock lock(read_mutex_);
    for (;;) {
        read_queued_.wait(lock, [this] { return reader_stopping_ || !reads_.empty(); });
        if (reads_.empty()) {
            return;
        }
        std::deque<std::function<void()>> batch;
        batch.swap(reads_);
        bounded_reads_ = 0;
        lock.unlock();
        for (auto& task : batch) {
            task();
        }
        lock.lock();
    }
}

expected<std::optional<stored_session>> sqlite_store::engine::read_session(const session_key& key) {
    statement_use select(select_session_);
    select.bind(1, key);
    int rc = select.step();
    if (rc == SQLITE_DONE) {
        return std::optional<stored_session>();
    }
    if (rc != SQLITE_ROW) {
        auto e = sqlite_error(reader_db_.get(), "loading a session");
        report(e);
        return e;
    }
    stored_session s;
    s.version = static_cast<std::uint64_t>(select.integer(0));
    s.sealed_state = select.blob(1);
    s.touched_unix = select.integer(2);
    return std::optional<stored_session>(std::move(s));
}

expected<void> sqlite_store::engine::read_chain(const session_key& key,
                                                std::uint32_t& after,
                                                std::vector<replay_row>& rows) {
    std::int64_t row = 0;
    {
        statement_use head(select_replay_head_);
        head.bind(1, key);
        const int rc = head.step();
        if (rc == SQLITE_ROW) {
            row = head.integer(0);
        } else if (rc != SQLITE_DONE) {
            return sqlite_error(reader_db_.get(), "loading replay frames");
        }
    }
    // Newest first along the chain, until a row holds nothing after `after`. The newest row says
    // where the replay window starts.
    bool newest = true;
    while (row != 0 && rows.size() < max_chain_rows) {
        statement_use step(select_replay_row_);
        step.bind(1, row);
        const int rc = step.step();
        if (rc == SQLITE_DONE) {
            break; // trimmed away before here
        }
        if (rc != SQLITE_ROW) {
            return sqlite_error(reader_db_.get(), "loading replay frames");
        }
        const auto last_seq = static_cast<std::uint32_t>(step.integer(0));
        if (newest) {
            after = std::max(after, replay_window_after(last_seq));
            newest = false;
        }
        if (last_seq <= after) {
            break;
        }
        rows.push_back(replay_row{step.integer(3), last_seq, step.blob(2)});
        row = step.integer(1);
    }
    return {};
}

expected<kept_replay> sqlite_store::engine::read_frames(const session_key& key,
                                                        std::uint32_t after) {
    // The head and the whole walk read one snapshot (see migration 3): between two autocommit
    // reads the writer could erase this session and give its newest row's id to another
    // session's turn.
    kept_replay kept;
    kept.after = after;
    std::vector<replay_row> rows;
    expected<void> walked;
    {
        statement_use begin(begin_read_);
        walked = begin.step() == SQLITE_DONE
                     ? expected<void>()
                     : expected<void>(sqlite_error(reader_db_.get(), "loading replay frames"));
    }
    if (walked) {
        walked = read_chain(key, kept.after, rows);
        statement_use end(end_read_);
        if (end.step() != SQLITE_DONE && walked) {
            walked = sqlite_error(reader_db_.get(), "ending a replay read");
        }
    }
    if (!sqlite3_get_autocommit(reader_db_.get())) {
        // A failed COMMIT leaves the read open; the next BEGIN would then fail.
        sqlite3_exec(reader_db_.get(), "ROLLBACK", nullptr, nullptr, nullptr);
    }
    if (!walked) {
        report(walked.error());
        return walked.error();
    }
    for (auto row = rows.rbegin(); row != rows.rend(); ++row) {
        if (auto added = add_replay_row(*row, kept); !added) {
            error e = added.error();
            e.where = path_text_;
            report(e);
            return e;
        }
    }
    return kept;
}

expected<std::vector<std::string>> sqlite_store::engine::read_transcript(const session_key& key) {
    statement_use select(select_transcript_);
    select.bind(1, key);
    std::vector<std::string> lines;
    int rc = 0;
    while ((rc = select.step()) == SQLITE_ROW) {
        lines.push_back(select.blob(0));
    }
    if (rc != SQLITE_DONE) {
        auto e = sqlite_error(reader_db_.get(), "loading a transcript");
        report(e);
        return e;
    }
    return lines;
}

// --- The store -----------------------------------------------------------------------------------

namespace {

error store_busy() {
    return fail("store_busy",
                "the session store has too many reads waiting; try again in a moment");
}

} // namespace

sqlite_store::sqlite_store(std::unique_ptr<engine> engine)
    : engine_(std::move(engine)) {
}

sqlite_store::~sqlite_store() = default;

void sqlite_store::save(session_write write, std::function<void(write_status)> done) {
    engine_->enqueue_write(save_request{std::move(write), std::move(done)}, true);
}

void sqlite_store::load(session_key key,
                        std::function<void(expected<std::optional<stored_session>>)> done) {
    auto shared = std::make_shared<decltype(done)>(std::move(done));
    engine_->enqueue_read([e = engine_.get(), key, shared] { (*shared)(e->read_session(key)); },
                          [shared] { (*shared)(store_busy()); });
}

void sqlite_store::frames_after(session_key key,
                                std::uint32_t after,
                                std::function<void(expected<kept_replay>)> done) {
    auto shared = std::make_shared<decltype(done)>(std::move(done));
    engine_->enqueue_read(
        [e = engine_.get(), key, after, shared] { (*shared)(e->read_frames(key, after)); },
        [shared] { (*shared)(store_busy()); });
}

void sqlite_store::transcript(session_key key,
                              std::function<void(expected<std::vector<std::string>>)> done) {
    auto shared = std::make_shared<decltype(done)>(std::move(done));
    engine_->enqueue_read([e = engine_.get(), key, shared] { (*shared)(e->read_transcript(key)); },
                          [shared] { (*shared)(store_busy()); });
}

void sqlite_store::erase(session_key key, std::function<void(bool)> done) {
    engine_->enqueue_write(erase_request{key, std::move(done)}, true);
}

void sqlite_store::purge(std::int64_t cutoff_unix,
                         std::int64_t transcript_cutoff_unix,
                         std::function<void(std::size_t)> done) {
    engine_->enqueue_write(purge_request{cutoff_unix, transcript_cutoff_unix, std::move(done)},
                           true);
}

bool sqlite_store::ready() const {
    return engine_->ready();
}

void sqlite_store::flush() {
    engine_->flush();
}

expected<void> sqlite_store::checkpoint() {
    std::mutex m;
    std::condition_variable cv;
    std::optional<expected<void>> result;
    engine_->enqueue_write(checkpoint_request{[&](expected<void> r) {
                               std::lock_guard lock(m);
                               result = std::move(r);
                               cv.notify_all();
                           }},
                           false);
    std::unique_lock lock(m);
    cv.wait(lock, [&] { return result.has_value(); });
    return *result;
}

expected<std::unique_ptr<sqlite_store>> open_sqlite_store(const sqlite_options& options) {
    auto e = sqlite_store::engine::open(options);
    if (!e) {
        return e.error();
    }
    return std::unique_ptr<sqlite_store>(new sqlite_store(std::move(*e)));
}

} // namespace heregoes::store
