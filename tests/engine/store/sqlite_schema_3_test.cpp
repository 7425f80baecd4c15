// Tests of schema 3 of the SQLite store, whose tables hand out ids without AUTOINCREMENT: a file
// written at schema 2 opens with every session, id and replay link as it was; ids that come back
// after the newest session is erased or purged never join another session's replay chain; and a
// file from a newer build is still refused. The schema-2 files are written here with the schema-2
// SQL and real sealed rows, as a schema-2 build left them.

#include "engine/store/replay_pack.hpp"
#include "engine/store/sealing.hpp"
#include "engine/store/sqlite_store.hpp"
#include "engine/store/store_limits.hpp"
#include "engine/store/token.hpp"
#include "tests/engine/store/blocking_calls.hpp"
#include "tests/engine/store/database_files.hpp"
#include "tests/engine/store/raw_db.hpp"
#include "tests/engine/store/sealed_turns.hpp"
#include "tests/engine/store/store_file.hpp"
#include "tests/engine/store/temp_dir.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <fstream>
#include <optional>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

namespace heregoes::store {
namespace {

using namespace heregoes::store::testing;

// The tables and indexes exactly as migrations 1 and 2 leave them.
constexpr const char* schema_2_sql = "CREATE TABLE \"sessions\" ("
                                     "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
                                     "  key BLOB NOT NULL UNIQUE,"
                                     "  version INTEGER NOT NULL,"
                                     "  state BLOB NOT NULL,"
                                     "  touched INTEGER NOT NULL,"
                                     "  replay_head INTEGER);"
                                     "CREATE TABLE transcripts ("
                                     "  key BLOB NOT NULL,"
                                     "  seq INTEGER NOT NULL,"
                                     "  sealed BLOB NOT NULL,"
                                     "  at INTEGER NOT NULL,"
                                     "  PRIMARY KEY (key, seq));"
                                     "CREATE INDEX transcripts_by_at ON transcripts (at);"
                                     "CREATE INDEX sessions_by_touched ON sessions (touched);"
                                     "CREATE TABLE replay ("
                                     "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
                                     "  last_seq INTEGER NOT NULL,"
                                     "  prev INTEGER,"
                                     "  frames BLOB NOT NULL);";

std::string pack_of(const std::vector<frame_record>& frames) {
    std::string pack;
    pack_frames(frames, pack);
    return pack;
}

// One session of the schema-2 file: its keys, and the plaintext of its state and frames.
struct old_session {
    session_sealer sealer;
    std::string state_text;
};

old_session new_old_session(const std::string& state_text) {
    return old_session{*session_sealer::derive(*new_token()), state_text};
}

class sqlite_schema_3 : public ::testing::Test {
protected:
    temp_dir dir_;
    std::filesystem::path path_ = dir_.path() / "sessions.db";
    old_session a_ = new_old_session("state of a");
    old_session b_ = new_old_session("state of b");

    std::string all_file_bytes() const { return heregoes::store::testing::all_file_bytes(path_); }

    std::unique_ptr<sqlite_store> open() { return open_store_file(path_); }

    // Frame `seq` sealed alone, as builds before schema 4 kept it.
    frame_record frame_of(const old_session& s, std::uint32_t seq) {
        return frame_record{seq, *s.sealer.seal(seal_purpose::frame, frame_text(s, seq))};
    }
    static std::string frame_text(const old_session& s, std::uint32_t seq) {
        return s.state_text + " frame " + std::to_string(seq);
    }

    // A schema-2 file as a schema-2 build leaves it after some trimming and an erase:
    //   session 1 (a_): version 3, replay 4 -> 2 -> 1, row 1 trimmed away (a dangling prev);
    //   session 2 (b_): version 2, replay 5 -> 3;
    //   session 3 and replay rows 6 and 7 belonged to a session since erased, so sqlite_sequence
    //   stands above the highest ids left.
    void write_schema_2_file(std::int64_t user_version = 2) {
        raw_db db(path_);
        ASSERT_EQ(db.exec(schema_2_sql), "");
        const char* add_session = "INSERT INTO sessions (id, key, version, state, touched, "
                                  "replay_head) VALUES (?1, ?2, ?3, ?4, 1000, ?5)";
        const auto& ka = a_.sealer.key();
        const auto& kb = b_.sealer.key();
        ASSERT_TRUE(db.run(add_session,
                           {std::int64_t{1},
                            std::string(ka.begin(), ka.end()),
                            std::int64_t{3},
                            *a_.sealer.seal(seal_purpose::state, a_.state_text),
                            std::int64_t{4}}));
        ASSERT_TRUE(db.run(add_session,
                           {std::int64_t{2},
                            std::string(kb.begin(), kb.end()),
                            std::int64_t{2},
                            *b_.sealer.seal(seal_purpose::state, b_.state_text),
                            std::int64_t{5}}));
        const char* add_row =
            "INSERT INTO replay (id, last_seq, prev, frames) VALUES (?1, ?2, ?3, ?4)";
        ASSERT_TRUE(db.run(
            add_row,
            {std::int64_t{2}, std::int64_t{2}, std::int64_t{1}, pack_of({frame_of(a_, 2)})}));
        ASSERT_TRUE(db.run(
            add_row, {std::int64_t{3}, std::int64_t{1}, std::nullopt, pack_of({frame_of(b_, 1)})}));
        ASSERT_TRUE(db.run(add_row,
                           {std::int64_t{4},
                            std::int64_t{4},
                            std::int64_t{2},
                            pack_of({frame_of(a_, 3), frame_of(a_, 4)})}));
        ASSERT_TRUE(db.run(
            add_row,
            {std::int64_t{5}, std::int64_t{2}, std::int64_t{3}, pack_of({frame_of(b_, 2)})}));
        ASSERT_EQ(db.exec("UPDATE sqlite_sequence SET seq = 3 WHERE name = 'sessions';"
                          "UPDATE sqlite_sequence SET seq = 7 WHERE name = 'replay';"
                          "PRAGMA user_version=" +
                          std::to_string(user_version)),
                  "");
    }

    // The plaintext of each frame of `s` the store replays after `after`.
    std::vector<std::string>
    replayed_text(sqlite_store& store, const old_session& s, std::uint32_t after) {
        auto kept = frames_after_now(store, s.sealer.key(), after);
        EXPECT_TRUE(kept);
        return kept ? opened(s.sealer, *kept) : std::vector<std::string>{};
    }

    // Frame texts name their session and seq, so a frame replayed out of place shows.
    std::string line(const old_session& s, std::uint32_t seq) { return frame_text(s, seq); }

    // Saves `turns` turns of `frames_per_turn` frames each for `s`, from `version` on; false at
    // the first save that is not ok.
    bool save_turns(sqlite_store& store,
                    const old_session& s,
                    std::uint64_t& version,
                    std::uint32_t& seq,
                    int turns,
                    std::uint32_t frames_per_turn,
                    std::int64_t now = 1000) {
        for (int t = 0; t < turns; ++t) {
            auto w = write_of(s.sealer.key(), version, "sealed state", now);
            std::vector<std::string> texts;
            for (std::uint32_t f = 1; f <= frames_per_turn; ++f) {
                texts.push_back(frame_text(s, seq + f));
            }
            w.frames = sealed_turn(s.sealer, seq + 1, texts);
            seq += frames_per_turn;
            if (save_now(store, std::move(w)) != write_status::ok) {
                return false;
            }
            ++version;
        }
        return true;
    }
};

TEST_F(sqlite_schema_3, a_schema_2_file_opens_at_the_current_schema_version) {
    write_schema_2_file();
    open().reset();
    raw_db db(path_);
    EXPECT_EQ(db.number("PRAGMA user_version"), sqlite_schema_version);
}

TEST_F(sqlite_schema_3, every_session_of_a_schema_2_file_resumes_at_its_version) {
    write_schema_2_file();
    auto store = open();
    ASSERT_TRUE(store);
    for (const auto* s : {&a_, &b_}) {
        auto loaded = load_now(*store, s->sealer.key());
        ASSERT_TRUE(loaded && loaded->has_value());
        EXPECT_EQ(*s->sealer.open(seal_purpose::state, (*loaded)->sealed_state), s->state_text);
        auto next = write_of(s->sealer.key(), (*loaded)->version, "next state");
        EXPECT_EQ(save_now(*store, next), write_status::ok);
    }
}

TEST_F(sqlite_schema_3, every_replay_frame_of_a_schema_2_file_is_replayed_after_the_upgrade) {
    write_schema_2_file();
    auto store = open();
    ASSERT_TRUE(store);
    EXPECT_EQ(replayed_text(*store, a_, 0),
              (std::vector<std::string>{line(a_, 2), line(a_, 3), line(a_, 4)}));
    EXPECT_EQ(replayed_text(*store, b_, 0), (std::vector<std::string>{line(b_, 1), line(b_, 2)}));
    EXPECT_EQ(replayed_text(*store, a_, 3), (std::vector<std::string>{line(a_, 4)}));
}

TEST_F(sqlite_schema_3, the_upgrade_keeps_every_id_link_and_index) {
    write_schema_2_file();
    open().reset();
    raw_db db(path_);
    EXPECT_EQ(
        db.rows("SELECT id, version, touched, replay_head FROM sessions ORDER BY id"),
        (std::vector<std::vector<std::string>>{{"1", "3", "1000", "4"}, {"2", "2", "1000", "5"}}));
    EXPECT_EQ(db.rows("SELECT id, last_seq, prev FROM replay ORDER BY id"),
              (std::vector<std::vector<std::string>>{
                  {"2", "2", "1"}, {"3", "1", "NULL"}, {"4", "4", "2"}, {"5", "2", "3"}}));
    EXPECT_EQ(
        db.rows("SELECT name, tbl_name FROM sqlite_master WHERE type = 'index' ORDER BY name"),
        (std::vector<std::vector<std::string>>{{"sessions_by_touched", "sessions"},
                                               {"sqlite_autoindex_sessions_1", "sessions"},
                                               {"sqlite_autoindex_transcripts_1", "transcripts"},
                                               {"transcripts_by_at", "transcripts"}}));
    EXPECT_EQ(db.rows("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"),
              (std::vector<std::vector<std::string>>{
                  {"replay"}, {"sessions"}, {"sqlite_sequence"}, {"transcripts"}}));
}

TEST_F(sqlite_schema_3, an_upgraded_file_hands_out_ids_without_sqlite_sequence) {
    write_schema_2_file();
    auto store = open();
    ASSERT_TRUE(store);
    auto next = write_of(a_.sealer.key(), 3, "next state");
    next.frames = sealed_turn(a_.sealer, 5, {frame_text(a_, 5)});
    ASSERT_EQ(save_now(*store, next), write_status::ok);
    ASSERT_EQ(save_now(*store, write_of(key_of(9), 0, "new session")), write_status::ok);
    store.reset();
    raw_db db(path_);
    EXPECT_EQ(db.number("SELECT COUNT(*) FROM sqlite_master WHERE sql LIKE '%AUTOINCREMENT%'"), 0);
    EXPECT_EQ(db.number("SELECT COUNT(*) FROM sqlite_sequence"), 0);
    // One above the highest id left, where AUTOINCREMENT would have gone on from 7 and 3.
    EXPECT_EQ(db.number("SELECT MAX(id) FROM replay"), 6);
    EXPECT_EQ(db.number("SELECT MAX(id) FROM sessions"), 3);
}

TEST_F(sqlite_schema_3, a_new_file_has_no_autoincrement_table) {
    auto store = open();
    ASSERT_TRUE(store);
    auto w = write_of(key_of(1), 0, "state");
    w.frames = turn_frames{1, 1, "frame"};
    ASSERT_EQ(save_now(*store, w), write_status::ok);
    store.reset();
    raw_db db(path_);
    EXPECT_EQ(db.number("SELECT COUNT(*) FROM sqlite_master WHERE sql LIKE '%AUTOINCREMENT%'"), 0);
    EXPECT_EQ(db.number("SELECT COUNT(*) FROM sqlite_sequence"), 0);
}

TEST_F(sqlite_schema_3,
       a_file_one_schema_newer_than_this_build_is_refused_with_its_tables_untouched) {
    write_schema_2_file(sqlite_schema_version + 1);
    sqlite_options options;
    options.path = path_;
    auto store = open_sqlite_store(options);
    ASSERT_FALSE(store);
    EXPECT_EQ(store.error().code, "store_schema");
    EXPECT_NE(store.error().message.find(std::to_string(sqlite_schema_version + 1)),
              std::string::npos);
    raw_db db(path_);
    EXPECT_EQ(db.number("PRAGMA user_version"), sqlite_schema_version + 1);
    EXPECT_EQ(db.number("SELECT COUNT(*) FROM sqlite_master WHERE sql LIKE '%AUTOINCREMENT%'"), 2);
}

// The sealed rows a schema-2 file held are copied by the upgrade; erasing the session afterwards
// must leave none of them behind, in the new tables or in the pages the old ones gave up. Sixty
// more sessions make the old tables span more pages than the new ones reuse during the upgrade.
TEST_F(sqlite_schema_3, an_upgraded_session_once_erased_leaves_no_sealed_bytes_in_any_file) {
    write_schema_2_file();
    {
        raw_db db(path_);
        for (std::int64_t id = 10; id < 70; ++id) {
            const auto key = key_of(static_cast<std::uint32_t>(id));
            ASSERT_TRUE(db.run("INSERT INTO sessions (id, key, version, state, touched, "
                               "replay_head) VALUES (?1, ?2, 1, ?3, 1000, ?1)",
                               {id, std::string(key.begin(), key.end()), std::string(300, 's')}));
            ASSERT_TRUE(db.run("INSERT INTO replay (id, last_seq, frames) VALUES (?1, 1, ?2)",
                               {id, pack_of({frame_record{1, std::string(300, 'f')}})}));
        }
    }
    // a's sealed state and its newest replay row, as bytes.
    std::vector<std::string> sealed;
    {
        raw_db db(path_);
        for (const char* sql : {"SELECT hex(state) FROM sessions WHERE id = 1",
                                "SELECT hex(frames) FROM replay WHERE id = 4"}) {
            auto rows = db.rows(sql);
            ASSERT_EQ(rows.size(), 1u);
            std::string bytes;
            for (std::size_t i = 0; i + 1 < rows[0][0].size(); i += 2) {
                bytes.push_back(static_cast<char>(std::stoi(rows[0][0].substr(i, 2), nullptr, 16)));
            }
            sealed.push_back(bytes);
        }
    }
    auto store = open();
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->checkpoint());
    ASSERT_NE(all_file_bytes().find(sealed[1]), std::string::npos) << "the search should work";
    ASSERT_TRUE(erase_now(*store, a_.sealer.key()));
    const std::string bytes = all_file_bytes();
    EXPECT_EQ(bytes.find(sealed[0]), std::string::npos);
    EXPECT_EQ(bytes.find(sealed[1]), std::string::npos);
    EXPECT_EQ(replayed_text(*store, b_, 0), (std::vector<std::string>{line(b_, 1), line(b_, 2)}));
}

// The dangerous case for ids without AUTOINCREMENT. Session a is long enough that its oldest rows
// were trimmed (its oldest surviving row's prev names a deleted row). Session b owns the highest
// replay ids and the highest session id, and is erased; its ids are then handed out again, to a's
// next turn and to a new session c. Every replay must still hold only its own session's frames.
TEST_F(sqlite_schema_3, ids_reused_after_an_erase_never_join_another_sessions_replay) {
    auto store = open();
    ASSERT_TRUE(store);
    // 96 turns of 8 frames: one trim, somewhere past frame 512 (where depends on a's key), drops
    // the oldest rows.
    std::uint64_t a_version = 0;
    std::uint32_t a_seq = 0;
    ASSERT_TRUE(save_turns(*store, a_, a_version, a_seq, 96, 8));
    std::uint64_t b_version = 0;
    std::uint32_t b_seq = 0;
    ASSERT_TRUE(save_turns(*store, b_, b_version, b_seq, 3, 1));
    {
        raw_db db(path_);
        const auto oldest = db.number("SELECT MIN(id) FROM replay");
        ASSERT_GT(oldest, 1) << "a's oldest rows were not trimmed";
        const auto prev_of_oldest = "SELECT prev FROM replay WHERE id = " + std::to_string(oldest);
        ASSERT_EQ(db.number(prev_of_oldest.c_str()), oldest - 1); // dangling
        ASSERT_EQ(db.number("SELECT MAX(id) FROM replay"), 99);   // b's
    }
    ASSERT_TRUE(erase_now(*store, b_.sealer.key()));

    ASSERT_TRUE(save_turns(*store, a_, a_version, a_seq, 1, 1)); // takes b's id 97
    old_session c = new_old_session("state of c");
    std::uint64_t c_version = 0;
    std::uint32_t c_seq = 0;
    ASSERT_TRUE(save_turns(*store, c, c_version, c_seq, 2, 1)); // takes b's 98 and 99
    {
        raw_db db(path_);
        ASSERT_EQ(db.number("SELECT MAX(id) FROM replay"), 99)
            << "b's ids were not handed out again";
        ASSERT_EQ(db.number("SELECT MAX(id) FROM sessions"), 2) << "b's session id was not reused";
    }

    std::vector<std::string> a_expected;
    for (std::uint32_t seq = a_seq - max_frames_kept + 1; seq <= a_seq; ++seq) {
        a_expected.push_back(line(a_, seq));
    }
    EXPECT_EQ(replayed_text(*store, a_, 0), a_expected);
    EXPECT_EQ(replayed_text(*store, c, 0), (std::vector<std::string>{line(c, 1), line(c, 2)}));
    EXPECT_TRUE(frames_after_now(*store, b_.sealer.key(), 0)->sealed.empty());
    // a's next trim walks its chain back past the reused ids and the dangling prev.
    ASSERT_TRUE(save_turns(*store, a_, a_version, a_seq, 32, 8));
    a_expected.clear();
    for (std::uint32_t seq = a_seq - max_frames_kept + 1; seq <= a_seq; ++seq) {
        a_expected.push_back(line(a_, seq));
    }
    EXPECT_EQ(replayed_text(*store, a_, 0), a_expected);
    EXPECT_EQ(replayed_text(*store, c, 0), (std::vector<std::string>{line(c, 1), line(c, 2)}));
}

// The same after a purge: the purged session owned the highest ids.
TEST_F(sqlite_schema_3, ids_reused_after_a_purge_never_join_another_sessions_replay) {
    auto store = open();
    ASSERT_TRUE(store);
    std::uint64_t a_version = 0;
    std::uint32_t a_seq = 0;
    ASSERT_TRUE(save_turns(*store, a_, a_version, a_seq, 96, 8, 5000));
    std::uint64_t b_version = 0;
    std::uint32_t b_seq = 0;
    ASSERT_TRUE(save_turns(*store, b_, b_version, b_seq, 3, 1, 10));
    ASSERT_EQ(purge_now(*store, 100, 0), 1u);

    old_session c = new_old_session("state of c");
    std::uint64_t c_version = 0;
    std::uint32_t c_seq = 0;
    ASSERT_TRUE(save_turns(*store, c, c_version, c_seq, 2, 1, 5000));
    ASSERT_TRUE(save_turns(*store, a_, a_version, a_seq, 1, 1, 5000));
    {
        raw_db db(path_);
        ASSERT_EQ(db.number("SELECT MAX(id) FROM replay"), 99)
            << "b's ids were not handed out again";
    }
    std::vector<std::string> a_expected;
    for (std::uint32_t seq = a_seq - max_frames_kept + 1; seq <= a_seq; ++seq) {
        a_expected.push_back(line(a_, seq));
    }
    EXPECT_EQ(replayed_text(*store, a_, 0), a_expected);
    EXPECT_EQ(replayed_text(*store, c, 0), (std::vector<std::string>{line(c, 1), line(c, 2)}));
    EXPECT_FALSE(load_now(*store, b_.sealer.key())->has_value());
}

} // namespace
} // namespace heregoes::store
