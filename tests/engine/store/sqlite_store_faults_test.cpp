// Tests of the SQLite store when something fails under it mid-batch: the disk (through a
// fault-injecting VFS), the memory (through a failing allocator in a forked child) or another
// process holding the file's write lock. Each checks the store's promise: a save reported
// committed is in the file and one reported failed is not, so a connection never gets out of step
// with the file; no statement runs after SQLite has rolled a batch back; and once the fault
// clears, saves made on the versions the store reported commit.

#include "engine/store/sqlite_checkpointer.hpp"
#include "engine/store/sqlite_store.hpp"
#include "engine/store/wal_coalescing_vfs.hpp"
#include "tests/engine/store/blocking_calls.hpp"
#include "tests/engine/store/failing_allocator.hpp"
#include "tests/engine/store/fault_injecting_vfs.hpp"
#include "tests/engine/store/forked_child.hpp"
#include "tests/engine/store/temp_dir.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <future>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

namespace heregoes::store {
namespace {

using namespace heregoes::store::testing;

// What the store has told the connections about one session: the version they hold and the
// state saved with it.
struct held_session {
    std::uint64_t version = 0;
    std::string state;
};
using held_sessions = std::map<std::uint32_t, held_session>;

// The store's error reports, gathered from its threads.
class error_log {
public:
    std::function<void(const error&)> sink() {
        return [this](const error& e) {
            std::lock_guard lock(mutex_);
            messages_.push_back(e.message);
        };
    }
    std::vector<std::string> messages() {
        std::lock_guard lock(mutex_);
        return messages_;
    }
    void clear() {
        std::lock_guard lock(mutex_);
        messages_.clear();
    }
    // The first message containing `text`, or empty.
    std::string first_with(const std::string& text) {
        std::lock_guard lock(mutex_);
        for (const auto& m : messages_) {
            if (m.find(text) != std::string::npos) {
                return m;
            }
        }
        return {};
    }

private:
    std::mutex mutex_;
    std::vector<std::string> messages_;
};

// A report that shows a statement ran after SQLite had rolled the batch's transaction back:
// SQLite's answers to a savepoint statement or COMMIT with no transaction open. Empty if none.
std::string ran_after_rollback(error_log& errors) {
    for (const char* sign : {"no such savepoint", "no transaction is active"}) {
        if (auto m = errors.first_with(sign); !m.empty()) {
            return m;
        }
    }
    return {};
}

// Loads every held session through `store` and says where the file differs from what the store
// reported; empty when it matches.
std::string differences(session_store& store, const held_sessions& held) {
    for (const auto& [n, h] : held) {
        auto loaded = load_now(store, key_of(n));
        if (!loaded) {
            return "session " + std::to_string(n) + " could not be read: " + loaded.error().message;
        }
        const std::uint64_t version = *loaded ? (*loaded)->version : 0;
        const std::string state = *loaded ? (*loaded)->sealed_state : std::string();
        if (version != h.version || state != h.state) {
            return "session " + std::to_string(n) + " was reported at version " +
                   std::to_string(h.version) + " but the file holds version " +
                   std::to_string(version) + (state != h.state ? " with another state" : "");
        }
    }
    return {};
}

// One save of a planned batch and what the store reported for it.
struct planned_save {
    std::uint32_t session = 0;
    std::string state;
    write_status reported = write_status::failed;
};

// Holds the writer so that a set of saves goes into one batch: completions run on the writer
// thread (run_completions is unset), so while the completion of a save on the gate's own session
// waits, every save queued meanwhile joins the batch the writer takes next.
class batch_gate {
public:
    explicit batch_gate(std::uint32_t session)
        : session_(session) {}

    // Saves each of `plan` on the version `held` gives its session, all in one batch; `arm` runs
    // just before the writer starts it. Records the reports in `plan` and in `held`; returns a
    // description of anything the store reported that contradicts `held` (a conflict), or "".
    std::string save_in_one_batch(sqlite_store& store,
                                  held_sessions& held,
                                  std::vector<planned_save>& plan,
                                  const std::function<void()>& arm) {
        std::promise<write_status> holding;
        std::promise<void> release;
        std::shared_future<void> released = release.get_future().share();
        store.save(write_of(key_of(session_), version_, "gate"),
                   [&holding, released](write_status s) {
                       holding.set_value(s);
                       released.wait();
                   });
        if (holding.get_future().get() == write_status::ok) {
            ++version_;
        }
        for (auto& p : plan) {
            const auto it = held.find(p.session);
            const std::uint64_t version = it == held.end() ? 0 : it->second.version;
            store.save(write_of(key_of(p.session), version, p.state),
                       [&p](write_status s) { p.reported = s; });
        }
        arm();
        release.set_value();
        store.flush();
        for (const auto& p : plan) {
            if (p.reported == write_status::conflict) {
                return "a save of session " + std::to_string(p.session) +
                       " conflicted: an earlier report of the store was wrong";
            }
            if (p.reported == write_status::ok) {
                auto& h = held[p.session];
                ++h.version;
                h.state = p.state;
            }
        }
        return {};
    }

private:
    std::uint32_t session_;
    std::uint64_t version_ = 0;
};

// Saves, in one batch, a new state on every session of `held` at the version it holds, with
// nothing armed; returns what went wrong, or "".
std::string save_all_again(sqlite_store& store,
                           batch_gate& gate,
                           held_sessions& held,
                           const std::string& state) {
    std::vector<planned_save> plan;
    for (const auto& [n, h] : held) {
        plan.push_back({n, state + std::to_string(n)});
    }
    if (auto wrong = gate.save_in_one_batch(store, held, plan, [] {}); !wrong.empty()) {
        return wrong;
    }
    for (const auto& p : plan) {
        if (p.reported != write_status::ok) {
            return "after the fault cleared, a save of session " + std::to_string(p.session) +
                   " on its reported version did not commit";
        }
    }
    return {};
}

// Says what in `plan` was not reported failed, or "".
std::string not_failed(const std::vector<planned_save>& plan) {
    for (const auto& p : plan) {
        if (p.reported != write_status::failed) {
            return "session " + std::to_string(p.session) + " was not reported failed";
        }
    }
    return {};
}

constexpr std::uint32_t gate_session = 900'000;

class sqlite_store_faults : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_NE(fault_injecting_vfs(), nullptr);
        clear_faults();
    }
    void TearDown() override { clear_faults(); }

    std::unique_ptr<sqlite_store> open(bool through_faults = true,
                                       std::chrono::milliseconds busy_timeout = {}) {
        sqlite_options options;
        options.path = path_;
        options.on_error = errors_.sink();
        if (through_faults) {
            options.vfs = fault_injecting_vfs();
        }
        if (busy_timeout.count() > 0) {
            options.busy_timeout = busy_timeout;
        }
        auto store = open_sqlite_store(options);
        EXPECT_TRUE(store) << store.error().to_string();
        return store ? std::move(*store) : nullptr;
    }

    // Opens the store through the faults with synchronous=FULL, which fsyncs the log at commit.
    std::unique_ptr<sqlite_store> open_with_full_sync() {
        sqlite_options options;
        options.path = path_;
        options.on_error = errors_.sink();
        options.vfs = fault_injecting_vfs();
        options.synchronous = sqlite_sync::full;
        auto store = open_sqlite_store(options);
        EXPECT_TRUE(store) << store.error().to_string();
        return store ? std::move(*store) : nullptr;
    }

    // Creates sessions first..last, each with a state of `bytes` bytes, in batches as they come.
    void create(sqlite_store& store, std::uint32_t first, std::uint32_t last, std::size_t bytes) {
        std::atomic<int> committed{0};
        for (std::uint32_t n = first; n <= last; ++n) {
            std::string state(bytes, static_cast<char>('a' + n % 26));
            held_[n] = held_session{1, state};
            store.save(write_of(key_of(n), 0, std::move(state)), [&committed](write_status s) {
                committed += s == write_status::ok ? 1 : 0;
            });
        }
        store.flush();
        ASSERT_EQ(committed.load(), static_cast<int>(last - first + 1));
    }

    // Runs a full checkpoint, trying again for up to ten seconds while SQLite refuses it because
    // a background pass is still copying the log.
    static expected<void> checkpoint_when_free(sqlite_store& store) {
        expected<void> done = store.checkpoint();
        for (int tries = 0; !done && tries < 200; ++tries) {
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
            done = store.checkpoint();
        }
        return done;
    }

    // Reopens the file without any fault and checks it holds what the store reported.
    void expect_file_matches_reports() {
        auto reopened = open(false);
        ASSERT_NE(reopened, nullptr);
        EXPECT_EQ(differences(*reopened, held_), "");
    }

    // Creates sessions 1..4 with small states, then saves a new small state on each in one
    // batch, with `arm` run just before it; the plan with what the store reported. A batch this
    // small stays in the writer's cache, so the log is first written when SQLite runs its COMMIT.
    std::vector<planned_save> four_small_saves_meeting(sqlite_store& store,
                                                       const std::function<void()>& arm) {
        create(store, 1, 4, 16);
        std::vector<planned_save> plan;
        for (std::uint32_t n = 1; n <= 4; ++n) {
            plan.push_back({n, "second " + std::to_string(n)});
        }
        EXPECT_EQ(gate_.save_in_one_batch(store, held_, plan, arm), "");
        return plan;
    }

    // After a batch that met a fault: no statement ran after SQLite's rollback, every save of
    // `plan` was reported failed, and the file holds what the store reported.
    void expect_the_batch_failed_as_reported(sqlite_store& store,
                                             const std::vector<planned_save>& plan) {
        EXPECT_EQ(ran_after_rollback(errors_), "");
        EXPECT_EQ(not_failed(plan), "");
        EXPECT_EQ(differences(store, held_), "");
    }

    // Clears the faults; the next batch must commit on the versions the store reported, and the
    // file, reopened once `store` has closed, hold exactly what was reported saved.
    void expect_the_next_batch_commits(std::unique_ptr<sqlite_store>& store) {
        clear_faults();
        EXPECT_EQ(save_all_again(*store, gate_, held_, "after "), "");
        EXPECT_TRUE(store->ready());
        store.reset();
        expect_file_matches_reports();
    }

    temp_dir dir_;
    std::filesystem::path path_ = dir_.path() / "sessions.db";
    error_log errors_;
    held_sessions held_;
    batch_gate gate_{gate_session};
};

// The log is written during a batch, not only at COMMIT, once the batch's changed pages outgrow
// the writer's page cache (16 MiB): SQLite then spills pages into the log. A write of the log
// failing there is an I/O error, after which SQLite rolls the whole transaction back (it does for
// every SQLITE_IOERR). The saves before the failing one are then gone with it, and the saves after
// must not run: a SAVEPOINT would start a transaction of its own and its RELEASE commit it.
TEST_F(sqlite_store_faults,
       a_log_write_that_fails_mid_batch_fails_every_save_and_the_next_batch_commits) {
    auto store = open();
    ASSERT_NE(store, nullptr);
    constexpr std::uint32_t sessions = 32;
    create(*store, 1, sessions, 16);
    std::vector<planned_save> plan;
    for (std::uint32_t n = 1; n <= sessions; ++n) {
        plan.push_back({n, std::string(1024 * 1024, static_cast<char>('A' + n % 26))});
    }
    // One write fails: the first the log gets in this batch. Later ones would succeed, so a save
    // run after the rollback would reach the file.
    EXPECT_EQ(
        gate_.save_in_one_batch(*store, held_, plan, [] { faults().log_writes.fail_after(0, 1); }),
        "");
    ASSERT_EQ(faults().log_writes.failed.load(), 1) << "no log write was attempted";
    EXPECT_EQ(errors_.first_with("COMMIT"), "")
        << "the failing write came at COMMIT, not mid-batch; the batch did not outgrow the cache";
    EXPECT_EQ(ran_after_rollback(errors_), "");
    for (const auto& p : plan) {
        EXPECT_EQ(p.reported, write_status::failed) << "session " << p.session;
    }
    EXPECT_EQ(differences(*store, held_), "");
    EXPECT_FALSE(store->ready());

    EXPECT_EQ(save_all_again(*store, gate_, held_, "after "), "");
    EXPECT_TRUE(store->ready());
    store.reset();
    expect_file_matches_reports();
}

// A page the batch needs and no cache holds is read from the database file. SQLite fails the
// statement that met the read error and, as for every I/O error, rolls the whole transaction back,
// so the saves before it in the batch are gone too and must be reported failed with it. The batch
// starts with saves whose pages are cached (no read) and reaches the failing read at a session
// written before the store was reopened, whose pages only the file holds.
TEST_F(sqlite_store_faults, a_read_that_fails_mid_batch_fails_only_what_sqlite_rolled_back) {
    {
        auto store = open();
        ASSERT_NE(store, nullptr);
        create(*store, 1, 400, 1024);
    }
    auto store = open();
    ASSERT_NE(store, nullptr);
    create(*store, 1001, 1004, 16); // their pages are now in the writer's cache
    std::vector<planned_save> plan;
    for (std::uint32_t n : {1001U, 1002U, 1003U, 1004U}) {
        plan.push_back({n, "cached " + std::to_string(n)});
    }
    for (std::uint32_t n = 1; n <= 400; n += 20) {
        plan.push_back({n, "cold " + std::to_string(n)});
    }
    EXPECT_EQ(gate_.save_in_one_batch(
                  *store, held_, plan, [] { faults().database_reads.fail_after(0, 1); }),
              "");
    ASSERT_EQ(faults().database_reads.failed.load(), 1) << "no read of the file was needed";
    EXPECT_EQ(errors_.first_with("BEGIN"), "") << "the read failed before the batch began";
    EXPECT_NE(errors_.first_with("a session failed"), "") << "no save met the failing read";
    EXPECT_EQ(ran_after_rollback(errors_), "");
    EXPECT_EQ(differences(*store, held_), "");

    EXPECT_EQ(save_all_again(*store, gate_, held_, "after "), "");
    store.reset();
    expect_file_matches_reports();
}

// Runs, in a forked child, batches of saves in which one allocation fails, the first in one batch,
// the second in the next, and so on until an allocation count passes every allocation a batch
// makes. An out-of-memory error fails the statement; SQLite then rolls back only that statement
// when it has a statement journal, and the whole transaction otherwise, SAVEPOINT, ROLLBACK TO
// and RELEASE included. Returns what broke the store's promise, or "".
std::string walk_an_allocation_failure_through_a_batch(const std::filesystem::path& path) {
    if (!install_failing_allocator()) {
        return "could not install the failing allocator";
    }
    error_log errors;
    sqlite_options options;
    options.path = path;
    options.on_error = errors.sink();
    auto store = open_sqlite_store(options);
    if (!store) {
        return "could not open the store: " + store.error().message;
    }
    batch_gate gate(gate_session);
    held_sessions held;
    for (std::uint32_t n = 1; n <= 4; ++n) {
        if (save_now(**store, write_of(key_of(n), 0, "first")) != write_status::ok) {
            return "could not create the sessions";
        }
        held[n] = held_session{1, "first"};
    }
    // Far more allocations than a batch of four small saves makes; the walk ends well before.
    constexpr long max_allocations = 5000;
    long failed_batches = 0;
    long allocation = 0;
    for (; allocation < max_allocations; ++allocation) {
        std::vector<planned_save> plan;
        for (std::uint32_t n = 1; n <= 4; ++n) {
            plan.push_back({n, "at " + std::to_string(allocation) + " " + std::to_string(n)});
        }
        const std::string wrong = gate.save_in_one_batch(
            **store, held, plan, [allocation] { fail_allocation_after(allocation); });
        const bool failed = allocation_failed_and_disarm();
        const std::string at = " (allocation " + std::to_string(allocation) + ")";
        if (!wrong.empty()) {
            return wrong + at;
        }
        if (auto ran = ran_after_rollback(errors); !ran.empty()) {
            return "a statement ran after the rollback: " + ran + at;
        }
        if (auto differ = differences(**store, held); !differ.empty()) {
            return differ + at;
        }
        failed_batches += failed ? 1 : 0;
        if (!failed) {
            break; // the batch made fewer allocations than this
        }
    }
    if (failed_batches == 0 || allocation == max_allocations) {
        return "the walk never failed an allocation, or never passed the batch's last one";
    }
    if (auto wrong = save_all_again(**store, gate, held, "after "); !wrong.empty()) {
        return wrong;
    }
    store->reset();
    auto reopened = open_sqlite_store(options);
    if (!reopened) {
        return "could not reopen the store: " + reopened.error().message;
    }
    if (auto differ = differences(**reopened, held); !differ.empty()) {
        return "after reopening: " + differ;
    }
    return {};
}

TEST_F(sqlite_store_faults, an_allocation_failing_anywhere_in_a_batch_leaves_the_file_as_reported) {
    // The allocator is process-wide, so it is replaced in a child, which sends back its verdict.
    constexpr std::size_t verdict_bytes = 512;
    auto verdict = drawn_in_forked_child(std::string(verdict_bytes, '\0'), [&](std::string& out) {
        const std::string said = walk_an_allocation_failure_through_a_batch(path_);
        out.assign(verdict_bytes, '\0');
        said.copy(out.data(), verdict_bytes - 1);
        return true;
    });
    ASSERT_TRUE(verdict) << verdict.error().message;
    EXPECT_STREQ(verdict->c_str(), "");
}

// The store's writer waits up to busy_timeout for a lock another process holds on the file
// (sqlite_options), then fails the batch: a BEGIN that could not start ran nothing, so every save
// in it is reported failed, the store says why, and /readyz goes red until a batch commits again.
TEST_F(sqlite_store_faults,
       saves_while_another_process_holds_the_write_lock_fail_and_commit_once_it_lets_go) {
    // The lock holder is forked before the store starts its threads and told when to act.
    int to_child[2];
    int from_child[2];
    ASSERT_EQ(::pipe(to_child), 0);
    ASSERT_EQ(::pipe(from_child), 0);
    const std::string path = path_.string();
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        char command = 0;
        bool ok = ::read(to_child[0], &command, 1) == 1;
        sqlite3* db = nullptr;
        ok = ok && sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK;
        ok = ok && sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) == SQLITE_OK;
        const char held = ok ? 'y' : 'n';
        ok = ::write(from_child[1], &held, 1) == 1 && ok;
        ok = ::read(to_child[0], &command, 1) == 1 && ok;
        ok = sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr) == SQLITE_OK && ok;
        sqlite3_close_v2(db);
        const char done = 'd';
        ok = ::write(from_child[1], &done, 1) == 1 && ok;
        ::_exit(ok ? 0 : 1);
    }
    ::close(to_child[0]);
    ::close(from_child[1]);
    auto store = open(false, std::chrono::milliseconds(100));
    ASSERT_NE(store, nullptr);
    create(*store, 1, 1, 16);

    const char take = 'l';
    ASSERT_EQ(::write(to_child[1], &take, 1), 1);
    char held = 0;
    ASSERT_EQ(::read(from_child[0], &held, 1), 1);
    ASSERT_EQ(held, 'y') << "the child could not take the write lock";
    EXPECT_EQ(save_now(*store, write_of(key_of(1), 1, "while locked")), write_status::failed);
    EXPECT_EQ(save_now(*store, write_of(key_of(2), 0, "while locked")), write_status::failed);
    EXPECT_FALSE(store->ready());
    EXPECT_NE(errors_.first_with("another program holds the store's write lock"), "");
    EXPECT_EQ(ran_after_rollback(errors_), "");

    const char release = 'r';
    ASSERT_EQ(::write(to_child[1], &release, 1), 1);
    char done = 0;
    EXPECT_EQ(::read(from_child[0], &done, 1), 1);
    int status = 0;
    ::waitpid(child, &status, 0);
    ::close(to_child[1]);
    ::close(from_child[0]);
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);

    EXPECT_EQ(save_now(*store, write_of(key_of(1), 1, "after")), write_status::ok);
    EXPECT_EQ(save_now(*store, write_of(key_of(2), 0, "after")), write_status::ok);
    EXPECT_TRUE(store->ready());
    held_[1] = held_session{2, "after"};
    held_[2] = held_session{1, "after"};
    store.reset();
    expect_file_matches_reports();
}

// What SQLite does when the fsync of the database file fails in a checkpoint: it stops there and
// leaves its mark of how far the log has been copied (nBackfill) where it was, so the log keeps
// every committed page, readers go on reading those pages from it, and the next checkpoint copies
// them all again, writing them anew before its own fsync. So the right response is not to treat
// any save as lost or to reset anything, but to say so, keep serving, and try again later: the
// saves made before and after stay readable and survive reopening once the disk recovers.
TEST_F(sqlite_store_faults, a_checkpoint_whose_fsync_fails_loses_no_save_and_says_what_to_check) {
    auto store = open();
    ASSERT_NE(store, nullptr);
    create(*store, 1, 50, 256);
    faults().database_syncs.fail_after(0);
    auto checkpointed = store->checkpoint();
    ASSERT_FALSE(checkpointed);
    EXPECT_GE(faults().database_syncs.failed.load(), 1);
    EXPECT_NE(checkpointed.error().message.find("Nothing committed is lost"), std::string::npos)
        << checkpointed.error().message;
    EXPECT_NE(checkpointed.error().message.find("Check the disk"), std::string::npos)
        << checkpointed.error().message;
    EXPECT_EQ(save_all_again(*store, gate_, held_, "after a failed checkpoint "), "");
    EXPECT_EQ(differences(*store, held_), "");

    clear_faults();
    EXPECT_TRUE(store->checkpoint());
    EXPECT_EQ(std::filesystem::file_size(path_.string() + "-wal"), 0U);
    store.reset();
    expect_file_matches_reports();
}

// Past checkpoint_hard_limit_frames of log the writer copies the log itself before a batch. When
// the disk refuses that checkpoint, trying again before every batch would copy the whole log
// (tens of megabytes) and log a line each time, many times a second under load, while every turn
// waits behind the writer. It tries again only once the log has grown by another
// checkpoint_after_frames; a handful of small batches does not get there. The log is filled in
// one batch, so its commit is the first to report the log's length and, being past the hard
// limit, asks for no background pass: the batches after it meet only the writer's catch-up.
TEST_F(sqlite_store_faults,
       a_catch_up_checkpoint_the_disk_refuses_is_not_tried_again_at_every_batch) {
    auto store = open();
    ASSERT_NE(store, nullptr);
    // Each 16 KiB state takes at least four pages of log, so this passes the hard limit.
    std::vector<planned_save> plan;
    for (std::uint32_t n = 1; n <= checkpoint_hard_limit_frames / 3; ++n) {
        plan.push_back({n, std::string(16 * 1024, static_cast<char>('a' + n % 26))});
    }
    EXPECT_EQ(
        gate_.save_in_one_batch(*store, held_, plan, [] { faults().database_syncs.fail_after(0); }),
        "");
    for (const auto& p : plan) {
        ASSERT_EQ(p.reported, write_status::ok) << "session " << p.session;
    }
    ASSERT_GE(std::filesystem::file_size(path_.string() + "-wal"),
              static_cast<std::uintmax_t>(checkpoint_hard_limit_frames) * 4096)
        << "the log never reached the hard limit, so no catch-up was tried";

    constexpr std::uint32_t later_batches = 20;
    for (std::uint32_t n = 1; n <= later_batches; ++n) {
        const std::uint32_t session = 100'000 + n;
        ASSERT_EQ(save_now(*store, write_of(key_of(session), 0, "later")), write_status::ok);
        held_[session] = held_session{1, "later"};
    }
    EXPECT_EQ(faults().database_syncs.failed.load(), 1)
        << "the catch-up before the first later batch should meet the failing fsync, and none "
           "after it should try again";
    EXPECT_NE(errors_.first_with("Nothing committed is lost"), "");

    clear_faults();
    EXPECT_TRUE(checkpoint_when_free(*store));
    store.reset();
    expect_file_matches_reports();
}

// --- Faults inside COMMIT, ROLLBACK TO and RELEASE ---------------------------------------------

// The log write that COMMIT makes failing is an I/O error inside COMMIT, after which SQLite rolls
// the transaction back (sqlite3_get_autocommit is 1 again). Nothing of the batch is in the file,
// so every save in it must be reported failed, and the writer must not run a ROLLBACK of its own.
TEST_F(sqlite_store_faults, a_log_write_that_fails_inside_commit_fails_every_save_of_the_batch) {
    auto store = open();
    ASSERT_NE(store, nullptr);
    auto plan = four_small_saves_meeting(*store, [] { faults().log_writes.fail_after(0, 1); });
    ASSERT_EQ(faults().log_writes.failed.load(), 1) << "no log write was attempted";
    EXPECT_NE(errors_.first_with("COMMIT failed"), "") << "the failing write did not hit COMMIT";
    EXPECT_EQ(errors_.first_with("ROLLBACK failed"), "");
    expect_the_batch_failed_as_reported(*store, plan);
    EXPECT_FALSE(store->ready());
}

// After a COMMIT whose log write failed the writer serves the next batch on the versions it
// reported, and a reopened file holds exactly what was reported saved.
TEST_F(sqlite_store_faults, after_a_log_write_fails_inside_commit_the_next_batch_commits) {
    auto store = open();
    ASSERT_NE(store, nullptr);
    four_small_saves_meeting(*store, [] { faults().log_writes.fail_after(0, 1); });
    ASSERT_EQ(faults().log_writes.failed.load(), 1);
    expect_the_next_batch_commits(store);
}

// A full disk refusing COMMIT's log write ends the same way as an I/O error (SQLite rolls back
// for SQLITE_FULL too), and the report tells the operator what to do about it.
TEST_F(sqlite_store_faults, a_full_disk_refusing_commit_fails_the_batch_and_says_to_free_space) {
    auto store = open();
    ASSERT_NE(store, nullptr);
    auto plan = four_small_saves_meeting(*store, [] {
        faults().log_writes.disk_full = true;
        faults().log_writes.fail_after(0, 1);
    });
    ASSERT_EQ(faults().log_writes.failed.load(), 1);
    const std::string report = errors_.first_with("COMMIT failed");
    EXPECT_NE(report.find("the disk is full: free space on it"), std::string::npos) << report;
    expect_the_batch_failed_as_reported(*store, plan);
    expect_the_next_batch_commits(store);
}

// A commit of more than 64 KiB of log goes to the file in pieces (wal_coalescing_vfs.hpp). When a
// later piece fails, the earlier ones are in the -wal file already, but without the commit frame:
// SQLite ignores them, rolls back, and the next commit writes over them. So the batch is reported
// failed and neither it nor any torn part of it shows in the file.
TEST_F(sqlite_store_faults, a_commit_whose_log_is_written_only_in_part_is_reported_failed) {
    auto store = open();
    ASSERT_NE(store, nullptr);
    create(*store, 1, 4, 16);
    std::vector<planned_save> plan;
    for (std::uint32_t n = 1; n <= 4; ++n) {
        plan.push_back({n, std::string(48 * 1024, static_cast<char>('A' + n))});
    }
    EXPECT_EQ(
        gate_.save_in_one_batch(*store, held_, plan, [] { faults().log_writes.fail_after(1, 1); }),
        "");
    ASSERT_EQ(faults().log_writes.failed.load(), 1) << "the commit went out in one write";
    EXPECT_NE(errors_.first_with("COMMIT failed"), "");
    expect_the_batch_failed_as_reported(*store, plan);
    expect_the_next_batch_commits(store);
}

// With synchronous=FULL, COMMIT fsyncs the log after writing the batch's frames, commit frame
// included. When that fsync fails SQLite fails the COMMIT and rolls the transaction back before it
// publishes the frames to the log's index, so no reader or later commit sees them: every save of
// the batch is reported failed, the report says to check the disk, and the writer goes on.
TEST_F(sqlite_store_faults,
       a_failed_log_fsync_under_synchronous_full_fails_the_batch_and_says_to_check_the_disk) {
    auto store = open_with_full_sync();
    ASSERT_NE(store, nullptr);
    auto plan = four_small_saves_meeting(*store, [] { faults().log_syncs.fail_after(0, 1); });
    ASSERT_EQ(faults().log_syncs.failed.load(), 1) << "COMMIT did not fsync the log";
    const std::string report = errors_.first_with("COMMIT failed");
    EXPECT_NE(report.find("the disk reported an error: check it"), std::string::npos) << report;
    expect_the_batch_failed_as_reported(*store, plan);
    EXPECT_FALSE(store->ready());
    expect_the_next_batch_commits(store);
}

// Under synchronous=NORMAL COMMIT does not fsync the log at all, which is why a failing log fsync
// only matters under FULL: the batch commits however the fsync would have gone.
TEST_F(sqlite_store_faults, under_synchronous_normal_commit_does_not_fsync_the_log) {
    auto store = open();
    ASSERT_NE(store, nullptr);
    long syncs_before = 0;
    auto plan = four_small_saves_meeting(*store, [&syncs_before] {
        syncs_before = faults().log_syncs.calls.load();
        faults().log_syncs.fail_after(0);
    });
    EXPECT_EQ(faults().log_syncs.calls.load(), syncs_before);
    for (const auto& p : plan) {
        EXPECT_EQ(p.reported, write_status::ok) << "session " << p.session;
    }
}

// Bytes of a row whose rewrite journals more than any sub-journal spill threshold this process can
// have: SQLite's default 64 KiB, or the store's 1 MiB (sub_journal_spill_bytes) once a store has
// opened before anything else started SQLite, as happens when every test runs in one process.
// Rows of 256 KiB spilled only under the default, so these tests failed in a single-process run.
constexpr std::size_t past_any_spill_bytes = 2 << 20;

// A save that changes more pages than the sub-journal keeps in memory moves its journal to a
// temporary file. When a write to that file meets a full disk, the statement fails with
// SQLITE_FULL, and since a single-row statement has no statement journal of its own SQLite rolls
// the whole transaction back rather than that statement: the writer must not run ROLLBACK TO
// (there is no savepoint left) and must report every save of the batch failed, the ones already
// released before it included. So a disk fault never reaches ROLLBACK TO; a failure inside it
// after an out-of-memory error is walked by the allocation test above.
TEST_F(sqlite_store_faults, a_save_whose_journal_meets_a_full_disk_fails_the_whole_batch) {
    auto store = open();
    ASSERT_NE(store, nullptr);
    create(*store, 1, 4, past_any_spill_bytes);
    std::vector<planned_save> plan{{1, "small before"}, {2, "small before"}};
    plan.push_back({3, std::string(past_any_spill_bytes, 'z')});
    plan.push_back({4, "small after"});
    EXPECT_EQ(gate_.save_in_one_batch(*store,
                                      held_,
                                      plan,
                                      [] {
                                          faults().sub_journal_writes.disk_full = true;
                                          faults().sub_journal_writes.fail_after(1, 1);
                                          faults().sub_journal_reads.fail_after(0);
                                      }),
              "");
    ASSERT_EQ(faults().sub_journal_writes.failed.load(), 1) << "the journal never left memory";
    EXPECT_NE(errors_.first_with("the disk is full: free space on it"), "");
    EXPECT_EQ(errors_.first_with("ROLLBACK TO"), "");
    EXPECT_EQ(faults().sub_journal_reads.calls.load(), 0) << "something read the journal back";
    EXPECT_EQ(ran_after_rollback(errors_), "");
    EXPECT_EQ(not_failed(plan), "");
    EXPECT_EQ(differences(*store, held_), "");

    clear_faults();
    EXPECT_EQ(save_all_again(*store, gate_, held_, "after "), "");
    store.reset();
    expect_file_matches_reports();
}

// A plain connection through the writer's stack of file layers (wal_coalescing_vfs over the
// faults), inside a transaction whose savepoint `one_write` has rewritten every page of a 4 MiB
// table, so its sub-journal (a copy of each page it changed) is past any spill threshold
// (past_any_spill_bytes) and has moved to its temporary file. Through the faults alone, the move
// under the store's 1 MiB threshold is one write larger than SQLite's unix VFS accepts, which is
// why only the writer journals and why it goes through the coalescing layer. Null when it could
// not be set up (the test then fails on it).
sqlite3* open_with_a_journal_in_its_file(const std::filesystem::path& path) {
    const auto writer_vfs = wal_coalescing_vfs(fault_injecting_vfs());
    if (!writer_vfs) {
        return nullptr;
    }
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(
            path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, *writer_vfs) !=
            SQLITE_OK ||
        sqlite3_exec(
            db,
            "PRAGMA journal_mode=WAL; PRAGMA cache_size=-16384;"
            "CREATE TABLE t (x BLOB);"
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 4096)"
            " INSERT INTO t SELECT zeroblob(1000) FROM n;"
            "BEGIN; SAVEPOINT one_write; UPDATE t SET x = randomblob(1000);",
            nullptr,
            nullptr,
            nullptr) != SQLITE_OK ||
        faults().sub_journal_writes.calls.load() == 0) {
        sqlite3_close_v2(db);
        return nullptr;
    }
    return db;
}

// Makes every read, write and sync a switch covers fail.
void fail_every_file_call() {
    for (fault_switch* s : {&faults().log_writes,
                            &faults().log_syncs,
                            &faults().database_reads,
                            &faults().database_syncs,
                            &faults().sub_journal_writes,
                            &faults().sub_journal_reads}) {
        s->fail_after(0);
    }
}

// RELEASE of a savepoint inside the batch's transaction only forgets where the savepoint began:
// it reads, writes and syncs no file (a sub-journal in a file is kept to the end of the
// transaction), so a failing disk cannot fail it. This is why the writer has no disk fault to
// handle at RELEASE; out of memory there is covered by the allocation walk above.
TEST_F(sqlite_store_faults,
       release_inside_a_transaction_touches_no_file_so_no_disk_fault_fails_it) {
    sqlite3* db = open_with_a_journal_in_its_file(path_);
    ASSERT_NE(db, nullptr) << "the sub-journal never moved to its file";
    fail_every_file_call();
    EXPECT_EQ(sqlite3_exec(db, "RELEASE one_write", nullptr, nullptr, nullptr), SQLITE_OK)
        << sqlite3_errmsg(db);
    EXPECT_EQ(sqlite3_get_autocommit(db), 0) << "RELEASE ended the transaction";
    clear_faults();
    EXPECT_EQ(sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr), SQLITE_OK)
        << sqlite3_errmsg(db);
    sqlite3_close_v2(db);
}

// ROLLBACK TO reads the pages it restores back from the sub-journal. When that read fails, SQLite
// reports the I/O error and rolls the whole transaction back (sqlite3_get_autocommit is 1 again),
// so the writer's end_write must treat a failed ROLLBACK TO as a lost batch, not run ROLLBACK on
// a transaction that is gone. In the store no disk fault gets here (a save failing on the disk
// loses the transaction first, as the test above shows); out of memory can, and the allocation
// walk covers that path.
TEST_F(sqlite_store_faults, a_rollback_to_that_cannot_read_its_journal_ends_the_transaction) {
    sqlite3* db = open_with_a_journal_in_its_file(path_);
    ASSERT_NE(db, nullptr) << "the sub-journal never moved to its file";
    faults().sub_journal_reads.fail_after(0);
    EXPECT_EQ(sqlite3_exec(db, "ROLLBACK TO one_write", nullptr, nullptr, nullptr) & 0xff,
              SQLITE_IOERR);
    EXPECT_GE(faults().sub_journal_reads.failed.load(), 1);
    EXPECT_NE(sqlite3_get_autocommit(db), 0) << "the transaction survived the failed ROLLBACK TO";
    clear_faults();
    sqlite3_close_v2(db);
}

// A failed log fsync leaves the batch's frames, commit frame included, in the -wal file, though
// SQLite rolled the batch back and the store reported every save of it failed. When the process
// dies before another commit writes over them (kill -9, or a crash), the next open replays the log
// from the file and must not bring that batch back: the connections were told those saves failed
// and would hold versions the file had passed. The child saves, meets the failing fsync, and exits
// without closing the store; the parent reopens the file.
TEST_F(sqlite_store_faults, a_batch_whose_log_fsync_failed_does_not_come_back_after_a_crash) {
    constexpr std::size_t verdict_bytes = 512;
    auto verdict = drawn_in_forked_child(std::string(verdict_bytes, '\0'), [&](std::string& out) {
        const std::string said = [&]() -> std::string {
            auto store = open_with_full_sync();
            if (store == nullptr) {
                return "could not open the store";
            }
            for (std::uint32_t n = 1; n <= 4; ++n) {
                if (save_now(*store, write_of(key_of(n), 0, "first")) != write_status::ok) {
                    return "could not create the sessions";
                }
                held_[n] = held_session{1, "first"};
            }
            std::vector<planned_save> plan;
            for (std::uint32_t n = 1; n <= 4; ++n) {
                plan.push_back({n, "lost"});
            }
            auto wrong = gate_.save_in_one_batch(
                *store, held_, plan, [] { faults().log_syncs.fail_after(0); });
            if (!wrong.empty()) {
                return wrong;
            }
            if (faults().log_syncs.failed.load() == 0) {
                return "COMMIT did not fsync the log";
            }
            if (auto reported = not_failed(plan); !reported.empty()) {
                return reported;
            }
            // Dies as a killed process does: no close, so no checkpoint and the log stays.
            (void)store.release();
            return {};
        }();
        out.assign(verdict_bytes, '\0');
        said.copy(out.data(), verdict_bytes - 1);
        return true;
    });
    ASSERT_TRUE(verdict) << verdict.error().message;
    ASSERT_STREQ(verdict->c_str(), "");
    ASSERT_GT(std::filesystem::file_size(path_.string() + "-wal"), 0U);
    for (std::uint32_t n = 1; n <= 4; ++n) {
        held_[n] = held_session{1, "first"};
    }
    expect_file_matches_reports();
}

} // namespace
} // namespace heregoes::store
