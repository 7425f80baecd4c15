// Tests of schema 5 of the SQLite store, whose session rows mark where their next trims start, so
// that a trim reads only the replay rows it drops: a file written at schema 4 opens with every
// session unmarked, its long sessions keep trimming (walking back from the newest row, as before)
// until their marks are set, and a marked session's trim drops its old rows without reading any
// row it keeps. The schema-4 files are made from new files taken back to schema 4 (migration 5
// only adds two columns).

#include "engine/store/sqlite_store.hpp"
#include "engine/store/store_limits.hpp"
#include "tests/engine/store/blocking_calls.hpp"
#include "tests/engine/store/raw_db.hpp"
#include "tests/engine/store/store_file.hpp"
#include "tests/engine/store/temp_dir.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

namespace heregoes::store {
namespace {

using namespace heregoes::store::testing;

// The store trims every max_frames_kept / 2 frames, so a session that trims keeps at most the
// window, the stride since its last trim and one turn of three frames.
constexpr std::uint32_t most_frames_between_trims = max_frames_kept + max_frames_kept / 2 + 3;

class sqlite_schema_5 : public ::testing::Test {
protected:
    temp_dir dir_;
    std::filesystem::path path_ = dir_.path() / "sessions.db";
    session_key key_ = key_of(7);
    std::uint64_t version_ = 0; // the session's version and newest frame so far
    std::uint32_t seq_ = 0;

    std::unique_ptr<sqlite_store> open() { return open_store_file(path_); }

    // Saves `turns` more turns of the session, three frames each.
    void save_turns(sqlite_store& store, int turns) {
        for (int t = 0; t < turns; ++t) {
            auto w = write_of(key_, version_, "state");
            w.frames = turn_frames{seq_ + 1, seq_ + 3, "sealed frames"};
            ASSERT_EQ(save_now(store, std::move(w)), write_status::ok);
            ++version_;
            seq_ += 3;
        }
    }

    // Writes a file with one session 900 frames long (past its first trims), at schema 4.
    void write_schema_4_file() {
        auto store = open();
        ASSERT_TRUE(store);
        save_turns(*store, 300);
        store.reset();
        raw_db db(path_);
        ASSERT_EQ(downgrade_to_schema_4(db), "");
    }

    std::int64_t oldest_row_seq() {
        raw_db db(path_);
        return db.number("SELECT MIN(last_seq) FROM replay");
    }
};

TEST_F(sqlite_schema_5, a_schema_4_file_opens_with_its_sessions_unmarked_and_its_rows_kept) {
    write_schema_4_file();
    std::vector<std::vector<std::string>> rows;
    {
        raw_db db(path_);
        rows = db.rows("SELECT id, last_seq, prev FROM replay ORDER BY id");
    }
    open().reset();
    raw_db db(path_);
    EXPECT_EQ(db.number("PRAGMA user_version"), sqlite_schema_version);
    EXPECT_EQ(db.rows("SELECT version, trim_mark, trim_mark_next FROM sessions"),
              (std::vector<std::vector<std::string>>{{"300", "NULL", "NULL"}}));
    EXPECT_EQ(db.rows("SELECT id, last_seq, prev FROM replay ORDER BY id"), rows);
}

// A session without marks trims by walking back from its newest row, and sets its marks as it
// goes, so a long session of an older file neither grows without bound nor loses its window.
TEST_F(sqlite_schema_5, an_unmarked_long_session_keeps_its_window_and_drops_what_is_older) {
    write_schema_4_file();
    auto store = open();
    ASSERT_TRUE(store);
    save_turns(*store, 300);
    auto kept = frames_after_now(*store, key_, 0);
    ASSERT_TRUE(kept) << kept.error().to_string();
    const std::uint32_t after = seq_ - static_cast<std::uint32_t>(max_frames_kept);
    ASSERT_FALSE(kept->sealed.empty());
    EXPECT_EQ(kept->after, after);
    EXPECT_GT(kept->sealed.front().last_seq, after);
    EXPECT_LE(kept->sealed.front().last_seq, after + 3) << "a turn straddling the edge stays";
    EXPECT_EQ(kept->sealed.back().last_seq, seq_);
    EXPECT_EQ(kept->sealed.size(), (seq_ - kept->sealed.front().last_seq) / 3 + 1);
    store.reset();
    EXPECT_GT(oldest_row_seq(), static_cast<std::int64_t>(seq_ - most_frames_between_trims));
    raw_db db(path_);
    EXPECT_EQ(db.number("SELECT COUNT(*) FROM sessions WHERE trim_mark IS NOT NULL AND "
                        "trim_mark_next IS NOT NULL"),
              1);
}

// The link from the row just newer than both marks to the row before it is cut in the file, so a
// trim that walked back over the rows it keeps would stop at the cut and drop nothing. A marked
// trim starts behind it, at the oldest rows, which are all it reads.
TEST_F(sqlite_schema_5, a_trim_reads_only_the_rows_it_drops) {
    {
        auto store = open();
        ASSERT_TRUE(store);
        save_turns(*store, 300);
    }
    {
        raw_db db(path_);
        ASSERT_EQ(db.number("SELECT COUNT(*) FROM sessions WHERE trim_mark IS NOT NULL AND "
                            "trim_mark_next IS NOT NULL"),
                  1)
            << "900 frames pass three trim points, which set both marks";
        ASSERT_EQ(db.exec("UPDATE replay SET prev = NULL WHERE id = (SELECT MIN(id) FROM replay "
                          "WHERE id > (SELECT MAX(trim_mark, trim_mark_next) FROM sessions))"),
                  "");
        ASSERT_EQ(db.number("SELECT changes()"), 1) << "one link was cut";
    }
    const std::int64_t oldest_before = oldest_row_seq();
    auto store = open();
    ASSERT_TRUE(store);
    save_turns(*store, 100); // 300 frames: past at least one more trim point
    store.reset();
    const std::int64_t oldest = oldest_row_seq();
    EXPECT_GT(oldest, oldest_before) << "the trim dropped nothing";
    EXPECT_GT(oldest, static_cast<std::int64_t>(seq_ - most_frames_between_trims));
}

// Sessions of every phase, with turns of random length (a few far longer than a stride, one longer
// than the whole window), interleaved in one file. After every save the session's replay must be
// exactly the turns that end inside its window, and every replay row in the file must still be on
// some session's chain: a trim that dropped a kept row would break the first, and one that cut a
// chain and left its older rows behind would break the second.
TEST_F(sqlite_schema_5, marked_trims_keep_every_window_whole_and_leave_no_row_off_a_chain) {
    constexpr int sessions = 6;
    constexpr int saves = 1500;
    auto store = open();
    ASSERT_TRUE(store);
    std::mt19937 random(20261128);
    std::uniform_int_distribution<int> pick(0, sessions - 1);
    std::uniform_int_distribution<int> turn_length(1, 12);
    std::uniform_int_distribution<int> percent(0, 99);
    std::vector<std::uint64_t> versions(sessions, 0);
    std::vector<std::uint32_t> seqs(sessions, 0);
    std::vector<std::vector<std::uint32_t>> turn_ends(sessions);
    bool longer_than_window = false;
    for (int i = 0; i < saves; ++i) {
        const int s = pick(random);
        const auto key = key_of(100 + s);
        std::uint32_t length = static_cast<std::uint32_t>(turn_length(random));
        if (percent(random) < 2) {
            length = 300; // passes a trim point, or two, in one turn
        }
        if (!longer_than_window && i == saves / 2) {
            length = static_cast<std::uint32_t>(max_frames_kept) + 88;
            longer_than_window = true;
        }
        auto w = write_of(key, versions[s], "state");
        w.frames = turn_frames{seqs[s] + 1, seqs[s] + length, "sealed frames"};
        ASSERT_EQ(save_now(*store, std::move(w)), write_status::ok) << "save " << i;
        ++versions[s];
        seqs[s] += length;
        turn_ends[s].push_back(seqs[s]);

        auto kept = frames_after_now(*store, key, 0);
        ASSERT_TRUE(kept) << kept.error().to_string();
        const std::uint32_t after = replay_window_after(seqs[s]);
        ASSERT_EQ(kept->after, after) << "save " << i;
        std::vector<std::uint32_t> expected_ends;
        for (const auto end : turn_ends[s]) {
            if (end > after) {
                expected_ends.push_back(end);
            }
        }
        std::vector<std::uint32_t> kept_ends;
        for (const auto& row : kept->sealed) {
            kept_ends.push_back(row.last_seq);
        }
        ASSERT_EQ(kept_ends, expected_ends) << "save " << i << " of session " << s;
    }
    store.reset();

    raw_db db(path_);
    const auto on_chains =
        db.number("WITH RECURSIVE chain(id) AS ("
                  "  SELECT replay_head FROM sessions"
                  "  UNION ALL SELECT r.prev FROM replay r JOIN chain c ON r.id = c.id)"
                  " SELECT COUNT(*) FROM replay WHERE id IN (SELECT id FROM chain)");
    EXPECT_EQ(db.number("SELECT COUNT(*) FROM replay"), on_chains) << "rows left off every chain";
    // Each session keeps its window, at most the two strides before it that its marks hold back,
    // and the turns that straddle those edges.
    std::size_t most_rows = 0;
    for (const auto& ends : turn_ends) {
        const std::uint32_t newest = ends.back();
        most_rows += static_cast<std::size_t>(
            std::count_if(ends.begin(), ends.end(), [&](std::uint32_t end) {
                return end + 2 * static_cast<std::uint32_t>(max_frames_kept) + 600 > newest;
            }));
    }
    EXPECT_LE(static_cast<std::size_t>(on_chains), most_rows);
}

} // namespace
} // namespace heregoes::store
