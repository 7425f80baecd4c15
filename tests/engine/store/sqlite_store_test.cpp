// Tests of what only the SQLite store does: group commit under many writers, data kept across
// close and reopen, clear errors at open, no plaintext in any of its files, erased bytes gone from
// every file, and durability under kill -9 of the writing process.

#include "engine/store/sealing.hpp"
#include "engine/store/sqlite_checkpointer.hpp"
#include "engine/store/sqlite_store.hpp"
#include "engine/store/store_limits.hpp"
#include "engine/store/token.hpp"
#include "tests/engine/store/blocking_calls.hpp"
#include "tests/engine/store/database_files.hpp"
#include "tests/engine/store/raw_db.hpp"
#include "tests/engine/store/sealed_turns.hpp"
#include "tests/engine/store/temp_dir.hpp"
#include "tests/engine/thread_names.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <fstream>
#include <future>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

namespace heregoes::store {
namespace {

using namespace heregoes::store::testing;

class sqlite_store_file : public ::testing::Test {
protected:
    temp_dir dir_;
    std::filesystem::path path_ = dir_.path() / "sessions.db";

    std::unique_ptr<sqlite_store> open(sqlite_sync sync = sqlite_sync::normal) {
        sqlite_options options;
        options.path = path_;
        options.synchronous = sync;
        auto store = open_sqlite_store(options);
        EXPECT_TRUE(store) << store.error().to_string();
        return store ? std::move(*store) : nullptr;
    }

    std::string all_file_bytes() const { return heregoes::store::testing::all_file_bytes(path_); }
};

TEST_F(sqlite_store_file, concurrent_saves_from_many_threads_all_commit) {
    auto store = open();
    constexpr int threads = 8;
    constexpr int sessions_per_thread = 50;
    constexpr int turns = 4;
    std::atomic<int> ok{0};
    std::vector<std::thread> writers;
    for (int t = 0; t < threads; ++t) {
        writers.emplace_back([&, t] {
            for (int s = 0; s < sessions_per_thread; ++s) {
                auto key = key_of(static_cast<std::uint32_t>(t * 1000 + s));
                for (int v = 0; v < turns; ++v) {
                    auto status =
                        save_now(*store, write_of(key, v, "turn " + std::to_string(v + 1)));
                    if (status == write_status::ok) {
                        ++ok;
                    }
                }
            }
        });
    }
    for (auto& w : writers) {
        w.join();
    }
    EXPECT_EQ(ok.load(), threads * sessions_per_thread * turns);
    store.reset();

    store = open();
    for (int t = 0; t < threads; ++t) {
        for (int s = 0; s < sessions_per_thread; ++s) {
            auto loaded = load_now(*store, key_of(static_cast<std::uint32_t>(t * 1000 + s)));
            ASSERT_TRUE(loaded && loaded->has_value());
            EXPECT_EQ((*loaded)->version, static_cast<std::uint64_t>(turns));
            EXPECT_EQ((*loaded)->sealed_state, "turn " + std::to_string(turns));
        }
    }
}

TEST_F(sqlite_store_file, many_saves_queued_at_once_all_complete) {
    auto store = open();
    constexpr int writes = 2000;
    std::atomic<int> ok{0};
    for (int i = 0; i < writes; ++i) {
        store->save(write_of(key_of(static_cast<std::uint32_t>(i)), 0, "s"), [&ok](write_status s) {
            if (s == write_status::ok) {
                ++ok;
            }
        });
    }
    store->flush();
    EXPECT_EQ(ok.load(), writes);
}

TEST_F(sqlite_store_file, saves_beyond_the_queue_bound_fail_instead_of_waiting) {
    auto store = open();
    // Hold the writer inside a completion so everything after it queues.
    std::promise<void> writer_held;
    std::promise<void> release;
    auto released = release.get_future().share();
    store->save(write_of(key_of(0), 0, "first"), [&writer_held, released](write_status) {
        writer_held.set_value();
        released.wait();
    });
    writer_held.get_future().wait();

    std::atomic<int> ok{0};
    std::atomic<int> failed{0};
    auto count = [&ok, &failed](write_status s) {
        if (s == write_status::ok) {
            ++ok;
        } else if (s == write_status::failed) {
            ++failed;
        }
    };
    for (std::size_t i = 1; i <= max_queued_writes + 1; ++i) {
        store->save(write_of(key_of(static_cast<std::uint32_t>(i)), 0, "queued"), count);
    }
    release.set_value();
    store->flush();
    EXPECT_EQ(ok.load(), static_cast<int>(max_queued_writes));
    EXPECT_EQ(failed.load(), 1);
    EXPECT_FALSE(
        load_now(*store, key_of(static_cast<std::uint32_t>(max_queued_writes + 1)))->has_value());
}

TEST_F(sqlite_store_file, data_survives_close_and_reopen) {
    {
        auto store = open();
        auto w = write_of(key_of(7), 0, "kept", 4242);
        w.frames = turn_frames{1, 1, "frame one"};
        ASSERT_EQ(save_now(*store, w), write_status::ok);
    }
    auto store = open();
    auto loaded = load_now(*store, key_of(7));
    ASSERT_TRUE(loaded && loaded->has_value());
    EXPECT_EQ((*loaded)->sealed_state, "kept");
    EXPECT_EQ((*loaded)->touched_unix, 4242);
    ASSERT_EQ(frames_after_now(*store, key_of(7), 0)->sealed.size(), 1u);
}

TEST_F(sqlite_store_file, full_synchronous_mode_stores_and_reopens) {
    {
        auto store = open(sqlite_sync::full);
        ASSERT_EQ(save_now(*store, write_of(key_of(1), 0, "synced")), write_status::ok);
    }
    auto store = open(sqlite_sync::full);
    EXPECT_EQ((*load_now(*store, key_of(1)))->sealed_state, "synced");
}

TEST_F(sqlite_store_file, missing_parent_directories_are_created) {
    sqlite_options options;
    options.path = dir_.path() / "a" / "b" / "sessions.db";
    auto store = open_sqlite_store(options);
    ASSERT_TRUE(store) << store.error().to_string();
    EXPECT_TRUE(std::filesystem::exists(options.path));
}

TEST_F(sqlite_store_file, parent_that_is_a_file_is_a_clear_error) {
    std::ofstream(dir_.path() / "plain-file") << "x";
    sqlite_options options;
    options.path = dir_.path() / "plain-file" / "sessions.db";
    auto store = open_sqlite_store(options);
    ASSERT_FALSE(store);
    EXPECT_EQ(store.error().code, "store_open");
    EXPECT_EQ(store.error().where, options.path.string());
    EXPECT_NE(store.error().message.find("directory"), std::string::npos);
}

TEST_F(sqlite_store_file, a_file_that_is_not_a_database_is_a_clear_error) {
    std::ofstream(path_) << std::string(8192, 'z');
    sqlite_options options;
    options.path = path_;
    auto store = open_sqlite_store(options);
    ASSERT_FALSE(store);
    EXPECT_EQ(store.error().code, "store_open");
    EXPECT_NE(store.error().message.find("not a heregoes session store"), std::string::npos)
        << store.error().message;
}

TEST_F(sqlite_store_file, a_newer_schema_is_refused) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, "PRAGMA user_version=99", nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
    sqlite_options options;
    options.path = path_;
    auto store = open_sqlite_store(options);
    ASSERT_FALSE(store);
    EXPECT_EQ(store.error().code, "store_schema");
    EXPECT_NE(store.error().message.find("99"), std::string::npos);
}

TEST_F(sqlite_store_file, new_file_gets_the_current_schema_version) {
    open().reset();
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    sqlite3_stmt* s = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &s, nullptr), SQLITE_OK);
    ASSERT_EQ(sqlite3_step(s), SQLITE_ROW);
    EXPECT_EQ(sqlite3_column_int(s, 0), sqlite_schema_version);
    sqlite3_finalize(s);
    sqlite3_close(db);
}

// A file written by the first release (schema 1: one row per replay frame) opens with its
// sessions and frames intact, and the session carries on from its stored version.
TEST_F(sqlite_store_file, a_schema_1_file_is_upgraded_with_its_sessions_and_frames) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    const char* v1 =
        "CREATE TABLE sessions (key BLOB PRIMARY KEY NOT NULL, version INTEGER NOT NULL,"
        "  state BLOB NOT NULL, touched INTEGER NOT NULL);"
        "CREATE INDEX sessions_by_touched ON sessions (touched);"
        "CREATE TABLE frames (key BLOB NOT NULL, seq INTEGER NOT NULL, sealed BLOB NOT NULL,"
        "  PRIMARY KEY (key, seq));"
        "CREATE TABLE transcripts (key BLOB NOT NULL, seq INTEGER NOT NULL,"
        "  sealed BLOB NOT NULL, at INTEGER NOT NULL, PRIMARY KEY (key, seq));"
        "CREATE INDEX transcripts_by_at ON transcripts (at);"
        "PRAGMA user_version=1;";
    ASSERT_EQ(sqlite3_exec(db, v1, nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_stmt* s = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(
                  db, "INSERT INTO sessions VALUES (?1, 4, 'state four', 1000)", -1, &s, nullptr),
              SQLITE_OK);
    const auto key = key_of(42);
    sqlite3_bind_blob(s, 1, key.data(), static_cast<int>(key.size()), SQLITE_STATIC);
    ASSERT_EQ(sqlite3_step(s), SQLITE_DONE);
    sqlite3_finalize(s);
    ASSERT_EQ(sqlite3_prepare_v2(
                  db, "INSERT INTO frames VALUES (?1, ?2, 'frame ' || ?2)", -1, &s, nullptr),
              SQLITE_OK);
    for (int seq = 1; seq <= 3; ++seq) {
        sqlite3_bind_blob(s, 1, key.data(), static_cast<int>(key.size()), SQLITE_STATIC);
        sqlite3_bind_int(s, 2, seq);
        ASSERT_EQ(sqlite3_step(s), SQLITE_DONE);
        sqlite3_reset(s);
    }
    sqlite3_finalize(s);
    sqlite3_close(db);

    auto store = open();
    ASSERT_TRUE(store);
    auto loaded = load_now(*store, key);
    ASSERT_TRUE(loaded && loaded->has_value());
    EXPECT_EQ((*loaded)->version, 4u);
    EXPECT_EQ((*loaded)->sealed_state, "state four");
    auto frames = frames_after_now(*store, key, 1);
    ASSERT_TRUE(frames);
    ASSERT_EQ(frames->sealed.size(), 2u);
    EXPECT_EQ(frames->sealed[0].form, replay_form::frame);
    EXPECT_EQ(frames->sealed[0].last_seq, 2u);
    EXPECT_EQ(frames->sealed[1].sealed, "frame 3");
    auto next = write_of(key, 4, "state five");
    next.frames = turn_frames{4, 4, "frame 4"};
    ASSERT_EQ(save_now(*store, next), write_status::ok);
    frames = frames_after_now(*store, key, 0);
    ASSERT_EQ(frames->sealed.size(), 4u);
    EXPECT_EQ(frames->sealed[3].form, replay_form::turn);
}

// The log is copied into the database file by the background checkpoint while the store is open,
// so the log does not grow without bound and commits never wait for the copy.
TEST_F(sqlite_store_file, the_log_is_checkpointed_in_the_background_while_open) {
    auto store = open();
    const auto before = std::filesystem::file_size(path_);
    const std::string state(3000, 's');
    for (std::uint32_t i = 0; i < 2 * checkpoint_after_frames; ++i) {
        store->save(write_of(key_of(1000 + i), 0, state), [](write_status) {});
    }
    store->flush();
    // The copy runs on its own thread; wait for it, within a generous bound.
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::filesystem::file_size(path_) < before + 4'000'000 &&
           std::chrono::steady_clock::now() < give_up) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    EXPECT_GE(std::filesystem::file_size(path_), before + 4'000'000);
}

// Sessions that move in step (started together, talking at one pace) trim their old replay rows
// on different turns. When they all trimmed on the same turn, every save of it walked and deleted
// a window's worth of rows, and in the soak the writer fell up to 24 s behind every 256 frames.
TEST_F(sqlite_store_file, sessions_moving_in_step_trim_their_old_frames_on_different_turns) {
    auto store = open();
    constexpr std::uint32_t sessions = 32;
    constexpr std::uint32_t frames_per_turn = 8;
    // 768 frames: every session passes one trim point, past frame 512.
    constexpr std::uint32_t turns = 768 / frames_per_turn;
    int rounds_with_a_trim = 0;
    std::int64_t rows = 0;
    for (std::uint32_t turn = 0; turn < turns; ++turn) {
        for (std::uint32_t n = 0; n < sessions; ++n) {
            auto w = write_of(key_of(n), turn, "state");
            w.frames = turn_frames{turn * frames_per_turn + 1, (turn + 1) * frames_per_turn, "x"};
            store->save(std::move(w), [](write_status) {});
        }
        store->flush();
        raw_db db(path_);
        const auto now = db.number("SELECT COUNT(*) FROM replay");
        if (now < rows + static_cast<std::int64_t>(sessions)) {
            ++rounds_with_a_trim;
        }
        rows = now;
    }
    // 32 sessions over the 32 turns of a stride fall on about 20 different turns; all on one turn
    // is what this guards against.
    EXPECT_GE(rounds_with_a_trim, 8);
    EXPECT_LT(rows, static_cast<std::int64_t>(sessions * turns)) << "nothing was trimmed";
}

// Stack snapshots and `top -H` show thread names, and an operator reading one must tell the
// store's threads from the network threads.
TEST_F(sqlite_store_file, the_store_threads_carry_names_that_say_what_they_do) {
    auto store = open();
    ASSERT_EQ(save_now(*store, write_of(key_of(1), 0, "first")), write_status::ok);
    for (const char* expected : {"hg-writer", "hg-reader", "hg-checkpoint"}) {
        EXPECT_TRUE(heregoes::testing::has_thread_named(expected))
            << "no thread named " << expected;
    }
}

// A reader holding an old snapshot keeps the log from starting over, so the log file grows past
// its usual size. Once the reader lets go and the log starts over, the file is cut back to the
// limit rather than keeping that size on disk.
TEST_F(sqlite_store_file, a_log_that_grew_past_its_limit_is_cut_back_when_it_starts_over) {
    auto store = open();
    ASSERT_EQ(save_now(*store, write_of(key_of(1), 0, "first")), write_status::ok);
    const std::string log_path = path_.string() + "-wal";

    sqlite3* reader = nullptr;
    ASSERT_EQ(sqlite3_open_v2(path_.c_str(), &reader, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
    ASSERT_EQ(
        sqlite3_exec(reader, "BEGIN; SELECT count(*) FROM sessions;", nullptr, nullptr, nullptr),
        SQLITE_OK);

    // Each 16 KiB state takes at least four pages of log; saved in rounds so the queue stays small.
    const std::string state(16 * 1024, 's');
    constexpr std::uint32_t saves_per_round = 500;
    constexpr int max_rounds = 40; // 20,000 saves, over 300 MB of log: far past the limit
    std::uint32_t next = 100;
    for (int round = 0; round < max_rounds && std::filesystem::file_size(log_path) <=
                                                  static_cast<std::uintmax_t>(log_size_limit_bytes);
         ++round) {
        for (std::uint32_t i = 0; i < saves_per_round; ++i) {
            store->save(write_of(key_of(next++), 0, state), [](write_status) {});
        }
        store->flush();
    }
    const auto grown = std::filesystem::file_size(log_path);
    ASSERT_GT(grown, static_cast<std::uintmax_t>(log_size_limit_bytes))
        << "the log never grew past the limit, so there was nothing to cut back";

    ASSERT_EQ(sqlite3_exec(reader, "COMMIT", nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(reader);

    // The writer copies the log at its next batch and starts it over at the one after; a
    // background pass may hold the log for a while first, so allow many small batches.
    constexpr int max_later_saves = 200;
    for (int i = 0; i < max_later_saves && std::filesystem::file_size(log_path) >
                                               static_cast<std::uintmax_t>(log_size_limit_bytes);
         ++i) {
        ASSERT_EQ(save_now(*store, write_of(key_of(next++), 0, "later")), write_status::ok);
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    EXPECT_LE(std::filesystem::file_size(log_path),
              static_cast<std::uintmax_t>(log_size_limit_bytes));
    auto loaded = load_now(*store, key_of(next - 1));
    ASSERT_TRUE(loaded);
    EXPECT_TRUE(loaded->has_value());
}

// Past the log's hard limit the writer copies the rest of the log itself. SQLite refuses that
// while another checkpoint holds the log (normally the background pass; here a child process
// holding the same lock byte), and the writer must then try again at a later batch: reporting a
// failure on every batch, or waiting, would be wrong. Every save still commits.
TEST_F(sqlite_store_file, a_catch_up_that_meets_another_checkpoint_is_tried_again_later) {
    std::mutex errors_mutex;
    std::vector<std::string> errors;
    sqlite_options options;
    options.path = path_;
    options.on_error = [&](const error& e) {
        std::lock_guard lock(errors_mutex);
        errors.push_back(e.to_string());
    };
    auto store = open_sqlite_store(options);
    ASSERT_TRUE(store) << store.error().to_string();
    ASSERT_EQ(save_now(**store, write_of(key_of(1), 0, "first")), write_status::ok);

    // SQLite's Unix VFS keeps the WAL locks as fcntl locks on single bytes of the -shm file, from
    // byte 120; the checkpoint lock is the second. fcntl locks never conflict within one process,
    // so a child holds it.
    constexpr off_t checkpoint_lock_byte = 120 + 1;
    int to_child[2];
    int from_child[2];
    ASSERT_EQ(::pipe(to_child), 0);
    ASSERT_EQ(::pipe(from_child), 0);
    const std::string shm_path = path_.string() + "-shm";
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        const int fd = ::open(shm_path.c_str(), O_RDWR);
        struct flock lock {};
        lock.l_type = F_WRLCK;
        lock.l_whence = SEEK_SET;
        lock.l_start = checkpoint_lock_byte;
        lock.l_len = 1;
        const char held = fd >= 0 && ::fcntl(fd, F_SETLK, &lock) == 0 ? 'y' : 'n';
        char release = 0;
        const bool told = ::write(from_child[1], &held, 1) == 1;
        const bool released = ::read(to_child[0], &release, 1) == 1;
        ::_exit(told && released ? 0 : 1);
    }
    ::close(to_child[0]);
    ::close(from_child[1]);
    char held = 0;
    ASSERT_EQ(::read(from_child[0], &held, 1), 1);
    ASSERT_EQ(held, 'y') << "the child could not take the checkpoint lock";

    // Each 16 KiB state takes at least four pages of log, so this passes the limit.
    const std::string state(16 * 1024, 's');
    constexpr int saves = checkpoint_hard_limit_frames / 3;
    std::atomic<int> committed{0};
    for (int i = 0; i < saves; ++i) {
        (*store)->save(write_of(key_of(static_cast<std::uint32_t>(100 + i)), 0, state),
                       [&](write_status s) { committed += s == write_status::ok ? 1 : 0; });
    }
    (*store)->flush();
    const auto log_bytes = std::filesystem::file_size(path_.string() + "-wal");
    // The writer looks at the log's length before each batch; these come one batch each.
    constexpr int later_saves = 3;
    for (int i = 0; i < later_saves; ++i) {
        const auto key = key_of(static_cast<std::uint32_t>(100 + saves + i));
        committed += save_now(**store, write_of(key, 0, "later")) == write_status::ok ? 1 : 0;
    }

    const char release = 'r';
    EXPECT_EQ(::write(to_child[1], &release, 1), 1);
    int status = 0;
    ::waitpid(child, &status, 0);
    ::close(to_child[1]);
    ::close(from_child[0]);

    EXPECT_GE(log_bytes, static_cast<std::uintmax_t>(checkpoint_hard_limit_frames) * 4096)
        << "the log never reached the hard limit, so the catch-up was not tried";
    EXPECT_EQ(committed.load(), saves + later_saves);
    std::lock_guard lock(errors_mutex);
    EXPECT_TRUE(errors.empty()) << errors.size()
                                << " errors reported, the first: " << errors.front();
}

// When a write to the log fails (a full disk; here a file-size limit), SQLite rolls the batch's
// transaction back by itself. The writer must then run nothing more of it (a SAVEPOINT would
// start a new transaction, a ROLLBACK fails), and what it reported must match the file: a save
// reported failed is absent, so its session can save again, and one reported committed is there.
TEST_F(sqlite_store_file, after_a_failed_log_write_what_was_reported_matches_the_file) {
    // The file-size limit is per process, so the store runs in a child; its exit code says what
    // went wrong.
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        std::signal(SIGXFSZ, SIG_IGN); // a write past the limit then fails with EFBIG
        std::vector<std::string> errors;
        std::mutex errors_mutex;
        sqlite_options options;
        options.path = path_;
        options.on_error = [&](const error& e) {
            std::lock_guard lock(errors_mutex);
            errors.push_back(e.message);
        };
        auto store = open_sqlite_store(options);
        if (!store || save_now(**store, write_of(key_of(1), 0, "first")) != write_status::ok) {
            ::_exit(10);
        }
        constexpr int saves = 24;
        const std::string state(1024 * 1024, 's');
        rlimit limit{};
        ::getrlimit(RLIMIT_FSIZE, &limit);
        const rlimit low{4 * 1024 * 1024, limit.rlim_max};
        ::setrlimit(RLIMIT_FSIZE, &low);
        std::vector<std::atomic<int>> reported(saves); // 1 committed, 2 failed
        for (int i = 0; i < saves; ++i) {
            (*store)->save(
                write_of(key_of(static_cast<std::uint32_t>(100 + i)), 0, state),
                [&reported, i](write_status s) { reported[i] = s == write_status::ok ? 1 : 2; });
        }
        (*store)->flush();
        ::setrlimit(RLIMIT_FSIZE, &limit);
        {
            std::lock_guard lock(errors_mutex);
            if (errors.empty()) {
                ::_exit(11); // nothing failed, so the test did not test anything
            }
            for (const auto& e : errors) {
                if (e.find("no such savepoint") != std::string::npos ||
                    e.find("no transaction is active") != std::string::npos) {
                    ::_exit(12); // a statement ran after the transaction was gone
                }
            }
        }
        for (int i = 0; i < saves; ++i) {
            const auto key = key_of(static_cast<std::uint32_t>(100 + i));
            const auto again = save_now(**store, write_of(key, 0, "again"));
            if (reported[i] == 2 && again != write_status::ok) {
                ::_exit(13); // reported failed, yet the session is in the file
            }
            if (reported[i] == 1 && again != write_status::conflict) {
                ::_exit(14); // reported committed, yet the session is not in the file
            }
        }
        ::_exit(0);
    }
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0)
        << "10: the store did not open; 11: no write failed; 12: a statement ran after SQLite had "
           "rolled the transaction back; 13: a save reported failed was in the file; 14: a save "
           "reported committed was not";
}

// What a person typed, sealed as the server seals it, never appears in the store's files; the
// sealed bytes do (so the search itself works).
TEST_F(sqlite_store_file, files_hold_no_plaintext_of_sealed_data) {
    const std::string marker = "MARKER-7f3a9c-unique-plaintext";
    auto token = *new_token();
    auto sealer = *session_sealer::derive(token);
    auto store = open();
    auto w = write_of(sealer.key(), 0, *sealer.seal(seal_purpose::state, "name=" + marker));
    w.frames = sealed_turn(sealer, 1, {"Hi " + marker});
    w.sealed_transcript.push_back(*sealer.seal(seal_purpose::transcript, "person: " + marker));
    ASSERT_EQ(save_now(*store, w), write_status::ok);
    store->flush();

    std::string bytes = all_file_bytes();
    EXPECT_NE(bytes.find(w.sealed_state), std::string::npos) << "the sealed state should be there";
    EXPECT_EQ(bytes.find(marker), std::string::npos);
    EXPECT_EQ(bytes.find(token), std::string::npos);
    store.reset();
    bytes = all_file_bytes();
    EXPECT_EQ(bytes.find(marker), std::string::npos);
    EXPECT_EQ(bytes.find(token), std::string::npos);
}

TEST_F(sqlite_store_file, erased_bytes_are_gone_from_every_file) {
    auto store = open();
    const std::string sealed = "SEALED-BLOB-erase-me-0123456789abcdef-" + std::string(300, 'q');
    auto w = write_of(key_of(5), 0, sealed);
    w.frames = turn_frames{1, 1, "FRAME-BLOB-erase-me"};
    ASSERT_EQ(save_now(*store, w), write_status::ok);
    ASSERT_EQ(save_now(*store, write_of(key_of(6), 0, "KEEP-ME-other-session")), write_status::ok);
    ASSERT_TRUE(store->checkpoint());
    ASSERT_NE(all_file_bytes().find("SEALED-BLOB-erase-me"), std::string::npos);

    ASSERT_TRUE(erase_now(*store, key_of(5)));
    std::string bytes = all_file_bytes();
    EXPECT_EQ(bytes.find("SEALED-BLOB-erase-me"), std::string::npos);
    EXPECT_EQ(bytes.find("FRAME-BLOB-erase-me"), std::string::npos);
    EXPECT_NE(bytes.find("KEEP-ME-other-session"), std::string::npos);
}

TEST_F(sqlite_store_file, purged_bytes_are_gone_from_every_file) {
    auto store = open();
    ASSERT_EQ(save_now(*store, write_of(key_of(5), 0, "PURGED-BLOB-idle-session", 10)),
              write_status::ok);
    ASSERT_TRUE(store->checkpoint());
    ASSERT_EQ(purge_now(*store, 100, 0), 1u);
    EXPECT_EQ(all_file_bytes().find("PURGED-BLOB-idle-session"), std::string::npos);
}

// --- kill -9 ---------------------------------------------------------------------------------

// One acknowledgement the child sends after a save's completion reported ok.
struct ack {
    std::uint32_t session;
    std::uint32_t version;
};

// The child: keeps `sessions` chains of saves going (each completion starts that session's next
// save, so many saves are in flight and batches form), and reports each acknowledged version
// through the pipe before anything else can happen. Never returns.
[[noreturn]] void run_writer_child(const std::filesystem::path& path, int ack_fd, int sessions) {
    sqlite_options options;
    options.path = path;
    auto opened = open_sqlite_store(options);
    if (!opened) {
        ::_exit(2);
    }
    std::shared_ptr<sqlite_store> store = std::move(*opened);
    // Resume from what the previous rounds left, as a restarted server would.
    std::vector<std::uint64_t> versions(static_cast<std::size_t>(sessions), 0);
    for (int s = 0; s < sessions; ++s) {
        auto loaded = load_now(*store, key_of(static_cast<std::uint32_t>(s)));
        if (loaded && loaded->has_value()) {
            versions[static_cast<std::size_t>(s)] = (*loaded)->version;
        }
    }
    std::function<void(int, std::uint64_t)> next = [&](int s, std::uint64_t from) {
        auto w =
            write_of(key_of(static_cast<std::uint32_t>(s)), from, "v" + std::to_string(from + 1));
        const auto seq = static_cast<std::uint32_t>(from + 1);
        w.frames = turn_frames{seq, seq, "frame"};
        store->save(std::move(w), [&, s, from](write_status status) {
            if (status != write_status::ok) {
                ::_exit(3);
            }
            ack a{static_cast<std::uint32_t>(s), static_cast<std::uint32_t>(from + 1)};
            if (::write(ack_fd, &a, sizeof a) != static_cast<ssize_t>(sizeof a)) {
                ::_exit(4);
            }
            next(s, from + 1);
        });
    };
    for (int s = 0; s < sessions; ++s) {
        next(s, versions[static_cast<std::size_t>(s)]);
    }
    // The parent kills us long before this; if it does not, stop without an acknowledged exit.
    std::this_thread::sleep_for(std::chrono::minutes(2));
    ::_exit(5);
}

TEST_F(sqlite_store_file, every_acknowledged_write_survives_kill_9) {
    constexpr int sessions = 16;
    constexpr int rounds = 3;
    std::random_device seed;
    std::mt19937 random(seed());
    std::map<std::uint32_t, std::uint32_t> acknowledged; // session -> highest acknowledged version

    for (int round = 0; round < rounds; ++round) {
        int fds[2];
        ASSERT_EQ(::pipe(fds), 0);
        const int kill_after = 20 + static_cast<int>(random() % 600);
        pid_t child = ::fork();
        ASSERT_GE(child, 0);
        if (child == 0) {
            ::close(fds[0]);
            run_writer_child(path_, fds[1], sessions);
        }
        ::close(fds[1]);
        int seen = 0;
        ack a{};
        bool killed = false;
        while (::read(fds[0], &a, sizeof a) == static_cast<ssize_t>(sizeof a)) {
            acknowledged[a.session] = std::max(acknowledged[a.session], a.version);
            if (++seen == kill_after) {
                ::kill(child, SIGKILL);
                killed = true;
            }
        }
        // The pipe reads to its end: acknowledgements written before the kill landed are counted.
        ::close(fds[0]);
        int status = 0;
        ::waitpid(child, &status, 0);
        ASSERT_TRUE(killed) << "the child stopped after " << seen << " acknowledgements, status "
                            << status;
        ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

        auto store = open();
        for (const auto& [session, version] : acknowledged) {
            auto loaded = load_now(*store, key_of(session));
            ASSERT_TRUE(loaded && loaded->has_value())
                << "round " << round << " (kill after " << kill_after << "): session " << session
                << " lost";
            EXPECT_GE((*loaded)->version, version)
                << "round " << round << " (kill after " << kill_after << "): session " << session;
            EXPECT_EQ((*loaded)->sealed_state, "v" + std::to_string((*loaded)->version));
            auto frames = frames_after_now(*store, key_of(session), version - 1);
            ASSERT_TRUE(frames);
            ASSERT_FALSE(frames->sealed.empty());
            EXPECT_EQ(frames->sealed.front().last_seq, version);
        }
    }
}

// A purge changes every page of the sessions it removes inside one savepoint, so its sub-journal
// outgrows memory and moves to a file with one large write, which SQLite's own file layer refused
// as a full disk (wal_coalescing_vfs.hpp).
TEST_F(sqlite_store_file, purging_thousands_of_idle_sessions_at_once_removes_them_all) {
    constexpr std::uint32_t sessions = 3000;
    auto store = open();
    std::atomic<std::uint32_t> saved{0};
    std::atomic<std::uint32_t> done{0};
    std::promise<void> all_done;
    for (std::uint32_t n = 0; n < sessions; ++n) {
        store->save(write_of(key_of(n), 0, std::string(1000, 'x'), 10), [&](write_status status) {
            if (status == write_status::ok) {
                saved.fetch_add(1);
            }
            if (done.fetch_add(1) + 1 == sessions) {
                all_done.set_value();
            }
        });
    }
    all_done.get_future().wait();
    ASSERT_EQ(saved.load(), sessions);
    EXPECT_EQ(purge_now(*store, 100, 0), sessions);
    auto loaded = load_now(*store, key_of(sessions / 2));
    ASSERT_TRUE(loaded);
    EXPECT_FALSE(loaded->has_value());
}

} // namespace
} // namespace heregoes::store
