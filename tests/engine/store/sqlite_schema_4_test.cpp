// Tests of schema 4 of the SQLite store, whose replay rows each hold one turn's frames sealed as
// one blob: a file written at schema 3, whose rows hold packs of frames sealed one by one, opens
// with those rows marked as such and replays them byte for byte, before and beside new turns;
// the trim and erase treat both forms alike; a damaged row is a clear error. The schema-3 files
// are made here from new files taken back to schema 3 (migration 4 only adds a column), with rows
// packed the old way, as a schema-3 build left them.

#include "engine/store/replay_pack.hpp"
#include "engine/store/sealing.hpp"
#include "engine/store/sqlite_store.hpp"
#include "engine/store/store_limits.hpp"
#include "engine/store/token.hpp"
#include "tests/engine/store/blocking_calls.hpp"
#include "tests/engine/store/database_files.hpp"
#include "tests/engine/store/raw_db.hpp"
#include "tests/engine/store/sealed_turns.hpp"
#include "tests/engine/store/temp_dir.hpp"

#include <gtest/gtest.h>

#include <mutex>
#include <string>
#include <vector>

namespace heregoes::store {
namespace {

using namespace heregoes::store::testing;

// A bot frame as the server sends it, with bytes a careless copy would change.
std::string frame_text(const std::string& who, std::uint32_t seq) {
    return R"({"type":"bot","seq":)" + std::to_string(seq) + R"(,"text":"Here goes… )" + who +
           R"( \u00e9","await":false})";
}

std::vector<std::string>
frame_texts(const std::string& who, std::uint32_t first, std::uint32_t last) {
    std::vector<std::string> texts;
    for (std::uint32_t seq = first; seq <= last; ++seq) {
        texts.push_back(frame_text(who, seq));
    }
    return texts;
}

// The bytes a hex() column of raw_db::rows stands for.
std::string from_hex(const std::string& hex) {
    std::string bytes;
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
        bytes.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
    }
    return bytes;
}

class sqlite_schema_4 : public ::testing::Test {
protected:
    temp_dir dir_;
    std::filesystem::path path_ = dir_.path() / "sessions.db";
    session_sealer a_ = *session_sealer::derive(*new_token());
    session_sealer b_ = *session_sealer::derive(*new_token());
    std::uint64_t a_version_ = 3; // a's version and newest frame, as the schema-3 file leaves them
    std::uint32_t a_seq_ = 4;
    std::mutex errors_mutex_;
    std::vector<error> errors_;

    std::unique_ptr<sqlite_store> open() {
        sqlite_options options;
        options.path = path_;
        options.on_error = [this](const error& e) {
            std::lock_guard lock(errors_mutex_);
            errors_.push_back(e);
        };
        auto store = open_sqlite_store(options);
        EXPECT_TRUE(store) << store.error().to_string();
        return store ? std::move(*store) : nullptr;
    }

    // A pack of frames first..last of `who`, each sealed alone, as a schema-3 build wrote it.
    static std::string old_pack(const session_sealer& s,
                                const std::string& who,
                                std::uint32_t first,
                                std::uint32_t last) {
        std::vector<frame_record> records;
        for (std::uint32_t seq = first; seq <= last; ++seq) {
            records.push_back(
                frame_record{seq, *s.seal(seal_purpose::frame, frame_text(who, seq))});
        }
        std::string pack;
        pack_frames(records, pack);
        return pack;
    }

    // A schema-3 file as a schema-3 build leaves it:
    //   session 1 (a): version 3, replay 3 -> 1, frames 1-2 in row 1 and 3-4 in row 3;
    //   session 2 (b): version 1, replay 2, frame 1.
    void write_schema_3_file() {
        open().reset();
        raw_db db(path_);
        ASSERT_EQ(downgrade_to_schema_3(db), "");
        const char* add_session = "INSERT INTO sessions (id, key, version, state, touched, "
                                  "replay_head) VALUES (?1, ?2, ?3, ?4, 1000, ?5)";
        ASSERT_TRUE(db.run(add_session,
                           {std::int64_t{1},
                            std::string(a_.key().begin(), a_.key().end()),
                            std::int64_t{3},
                            *a_.seal(seal_purpose::state, "state of a"),
                            std::int64_t{3}}));
        ASSERT_TRUE(db.run(add_session,
                           {std::int64_t{2},
                            std::string(b_.key().begin(), b_.key().end()),
                            std::int64_t{1},
                            *b_.seal(seal_purpose::state, "state of b"),
                            std::int64_t{2}}));
        const char* add_row =
            "INSERT INTO replay (id, last_seq, prev, frames) VALUES (?1, ?2, ?3, ?4)";
        ASSERT_TRUE(db.run(
            add_row, {std::int64_t{1}, std::int64_t{2}, std::nullopt, old_pack(a_, "a", 1, 2)}));
        ASSERT_TRUE(db.run(
            add_row, {std::int64_t{2}, std::int64_t{1}, std::nullopt, old_pack(b_, "b", 1, 1)}));
        ASSERT_TRUE(db.run(
            add_row, {std::int64_t{3}, std::int64_t{4}, std::int64_t{1}, old_pack(a_, "a", 3, 4)}));
    }

    std::vector<std::string>
    replayed(sqlite_store& store, const session_sealer& s, std::uint32_t after) {
        auto kept = frames_after_now(store, s.key(), after);
        EXPECT_TRUE(kept) << kept.error().to_string();
        return kept ? opened(s, *kept) : std::vector<std::string>{};
    }

    // Runs `damage` on the file, then checks that reading a's replay fails with "replay_corrupt"
    // saying `what`, that the store reported it, and that b's replay still reads.
    void expect_corrupt_replay(const std::string& damage, const std::string& what) {
        {
            raw_db db(path_);
            ASSERT_EQ(db.exec(damage), "");
        }
        auto store = open();
        ASSERT_TRUE(store);
        auto kept = frames_after_now(*store, a_.key(), 0);
        ASSERT_FALSE(kept);
        EXPECT_EQ(kept.error().code, "replay_corrupt");
        EXPECT_NE(kept.error().message.find(what), std::string::npos) << kept.error().message;
        EXPECT_EQ(kept.error().where, path_.string());
        {
            std::lock_guard lock(errors_mutex_);
            ASSERT_FALSE(errors_.empty()) << "the store reports what it could not read";
            EXPECT_EQ(errors_.back().code, "replay_corrupt");
        }
        EXPECT_EQ(replayed(*store, b_, 0), frame_texts("b", 1, 1));
    }

    // Saves `turns` more turns of `per_turn` frames of a's; returns the newest turn's sealed blob.
    std::string save_turns(sqlite_store& store, int turns, std::uint32_t per_turn) {
        std::string sealed;
        for (int t = 0; t < turns; ++t) {
            auto w = write_of(a_.key(), a_version_, "sealed state");
            w.frames = sealed_turn(a_, a_seq_ + 1, frame_texts("a", a_seq_ + 1, a_seq_ + per_turn));
            sealed = w.frames->sealed;
            EXPECT_EQ(save_now(store, std::move(w)), write_status::ok);
            ++a_version_;
            a_seq_ += per_turn;
        }
        return sealed;
    }
};

TEST_F(sqlite_schema_4, a_schema_3_file_opens_with_every_row_marked_as_sealed_frame_by_frame) {
    write_schema_3_file();
    open().reset();
    raw_db db(path_);
    EXPECT_EQ(db.number("PRAGMA user_version"), sqlite_schema_version);
    EXPECT_EQ(db.rows("SELECT id, last_seq, prev, form FROM replay ORDER BY id"),
              (std::vector<std::vector<std::string>>{
                  {"1", "2", "NULL", "0"}, {"2", "1", "NULL", "0"}, {"3", "4", "1", "0"}}));
}

TEST_F(sqlite_schema_4, frames_a_schema_3_build_sealed_one_by_one_replay_byte_for_byte) {
    write_schema_3_file();
    auto store = open();
    ASSERT_TRUE(store);
    EXPECT_EQ(replayed(*store, a_, 0), frame_texts("a", 1, 4));
    EXPECT_EQ(replayed(*store, a_, 1), frame_texts("a", 2, 4));
    EXPECT_EQ(replayed(*store, a_, 3), frame_texts("a", 4, 4));
    EXPECT_TRUE(replayed(*store, a_, 4).empty());
    EXPECT_EQ(replayed(*store, b_, 0), frame_texts("b", 1, 1));
}

TEST_F(sqlite_schema_4, turns_saved_after_the_upgrade_replay_after_the_old_rows) {
    write_schema_3_file();
    auto store = open();
    ASSERT_TRUE(store);
    save_turns(*store, 2, 3);
    EXPECT_EQ(replayed(*store, a_, 0), frame_texts("a", 1, 10));
    EXPECT_EQ(replayed(*store, a_, 3), frame_texts("a", 4, 10));
    EXPECT_EQ(replayed(*store, a_, 5), frame_texts("a", 6, 10));
    EXPECT_EQ(replayed(*store, b_, 0), frame_texts("b", 1, 1));
    store.reset();
    raw_db db(path_);
    EXPECT_EQ(db.rows("SELECT last_seq, form FROM replay WHERE id > 3 ORDER BY id"),
              (std::vector<std::vector<std::string>>{{"7", "1"}, {"10", "1"}}));
}

TEST_F(sqlite_schema_4, a_new_row_holds_the_turns_one_sealed_blob) {
    auto store = open();
    ASSERT_TRUE(store);
    a_version_ = 0; // a new session
    a_seq_ = 0;
    const std::string sealed = save_turns(*store, 1, 3);
    store.reset();
    raw_db db(path_);
    auto rows = db.rows("SELECT last_seq, form, hex(frames) FROM replay");
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0][0], "3");
    EXPECT_EQ(rows[0][1], "1");
    EXPECT_EQ(from_hex(rows[0][2]), sealed);
}

// Trimming counts frames, not rows, and walks old and new rows alike.
TEST_F(sqlite_schema_4, a_long_session_drops_its_old_rows_and_keeps_the_newest_frames) {
    write_schema_3_file();
    auto store = open();
    ASSERT_TRUE(store);
    save_turns(*store, 300, 3); // past two trims: at frames 512 and 768
    EXPECT_EQ(replayed(*store, a_, 0),
              frame_texts("a", a_seq_ - static_cast<std::uint32_t>(max_frames_kept) + 1, a_seq_));
    EXPECT_EQ(replayed(*store, b_, 0), frame_texts("b", 1, 1));
    store.reset();
    raw_db db(path_);
    EXPECT_EQ(db.number("SELECT COUNT(*) FROM replay WHERE form = 0"), 1) << "only b's row is left";
}

TEST_F(sqlite_schema_4, erasing_a_session_with_old_and_new_rows_leaves_no_sealed_bytes) {
    write_schema_3_file();
    std::string old_row;
    {
        raw_db db(path_);
        old_row = from_hex(db.rows("SELECT hex(frames) FROM replay WHERE id = 3")[0][0]);
    }
    auto store = open();
    ASSERT_TRUE(store);
    const std::string new_row = save_turns(*store, 1, 2);
    ASSERT_TRUE(store->checkpoint());
    ASSERT_NE(all_file_bytes(path_).find(old_row), std::string::npos) << "the search should work";
    ASSERT_NE(all_file_bytes(path_).find(new_row), std::string::npos) << "the search should work";
    ASSERT_TRUE(erase_now(*store, a_.key()));
    const std::string bytes = all_file_bytes(path_);
    EXPECT_EQ(bytes.find(old_row), std::string::npos);
    EXPECT_EQ(bytes.find(new_row), std::string::npos);
    EXPECT_EQ(replayed(*store, b_, 0), frame_texts("b", 1, 1));
}

TEST_F(sqlite_schema_4, a_row_of_a_form_this_build_does_not_know_is_a_clear_error) {
    write_schema_3_file();
    open().reset();
    expect_corrupt_replay("UPDATE replay SET form = 7 WHERE id = 3", "form 7");
}

TEST_F(sqlite_schema_4, a_damaged_old_row_is_replay_corrupt_at_its_byte_offset) {
    write_schema_3_file();
    open().reset();
    expect_corrupt_replay("UPDATE replay SET frames = substr(frames, 1, 6) WHERE id = 3",
                          "at byte 0");
}

TEST_F(sqlite_schema_4, a_changed_new_row_is_unsealable_when_opened) {
    auto store = open();
    ASSERT_TRUE(store);
    auto w = write_of(a_.key(), 0, "sealed state");
    w.frames = sealed_turn(a_, 1, frame_texts("a", 1, 2));
    ASSERT_EQ(save_now(*store, std::move(w)), write_status::ok);
    store.reset();
    {
        raw_db db(path_);
        std::string row = from_hex(db.rows("SELECT hex(frames) FROM replay")[0][0]);
        row[row.size() / 2] ^= 0x01;
        ASSERT_TRUE(db.run("UPDATE replay SET frames = ?1", {row}));
    }
    store = open();
    ASSERT_TRUE(store);
    auto kept = frames_after_now(*store, a_.key(), 0);
    ASSERT_TRUE(kept);
    std::vector<std::string> out;
    auto r = open_replay(a_, *kept, out);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, "unsealable");
}

} // namespace
} // namespace heregoes::store
