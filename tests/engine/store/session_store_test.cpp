// The session-store contract, run against both stores (in-memory and SQLite) with one typed suite:
// versions and conflicts, replay frames and their bound, erase, purge, transcripts, and the
// threading contract (completions run on a store thread, flush waits for them).

#include "engine/store/memory_store.hpp"
#include "engine/store/sqlite_store.hpp"
#include "engine/store/store_limits.hpp"
#include "engine/store/token.hpp"
#include "tests/engine/store/blocking_calls.hpp"
#include "tests/engine/store/sealed_turns.hpp"
#include "tests/engine/store/temp_dir.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace heregoes::store {
namespace {

using namespace heregoes::store::testing;

struct memory_kind {
    using store_type = memory_store;
    std::unique_ptr<memory_store> make() { return std::make_unique<memory_store>(); }
};

struct sqlite_kind {
    using store_type = sqlite_store;
    temp_dir dir;
    std::unique_ptr<sqlite_store> make() {
        sqlite_options options;
        options.path = dir.path() / "sessions.db";
        auto store = open_sqlite_store(options);
        EXPECT_TRUE(store) << store.error().to_string();
        return std::move(*store);
    }
};

template <class kind>
class session_store_contract : public ::testing::Test {
protected:
    kind kind_;
    std::unique_ptr<typename kind::store_type> store_ = kind_.make();
    session_key key_ = key_of(1);
    session_sealer sealer_ = *session_sealer::derive(*new_token());

    void create(const session_key& key, std::int64_t now = 1000) {
        ASSERT_EQ(save_now(*store_, write_of(key, 0, "s1", now)), write_status::ok);
    }
    session_write
    with_frames(std::uint64_t expected_version, std::uint32_t first, std::uint32_t n) {
        std::string state = "s";
        state += std::to_string(expected_version + 1);
        auto w = write_of(key_, expected_version, std::move(state));
        std::vector<std::string> texts;
        for (std::uint32_t seq = first; seq < first + n; ++seq) {
            texts.push_back(frame_text(seq));
        }
        w.frames = sealed_turn(sealer_, first, texts);
        return w;
    }
    static std::string frame_text(std::uint32_t seq) { return "frame " + std::to_string(seq); }
    // The text of the frames replayed after `after`, as the server would send them.
    std::vector<std::string> replayed_after(std::uint32_t after) {
        auto kept = frames_after_now(*store_, key_, after);
        EXPECT_TRUE(kept) << kept.error().to_string();
        return kept ? opened(sealer_, *kept) : std::vector<std::string>{};
    }
    // The texts of frames first..last.
    static std::vector<std::string> texts_of(std::uint32_t first, std::uint32_t last) {
        std::vector<std::string> texts;
        for (std::uint32_t seq = first; seq <= last; ++seq) {
            texts.push_back(frame_text(seq));
        }
        return texts;
    }
};

using store_kinds = ::testing::Types<memory_kind, sqlite_kind>;
TYPED_TEST_SUITE(session_store_contract, store_kinds);

TYPED_TEST(session_store_contract, unknown_key_loads_as_nothing) {
    auto loaded = load_now(*this->store_, this->key_);
    ASSERT_TRUE(loaded);
    EXPECT_FALSE(loaded->has_value());
}

TYPED_TEST(session_store_contract, create_stores_version_one_with_state_and_time) {
    ASSERT_EQ(save_now(*this->store_, write_of(this->key_, 0, "state-1", 1234)), write_status::ok);
    auto loaded = load_now(*this->store_, this->key_);
    ASSERT_TRUE(loaded && loaded->has_value());
    EXPECT_EQ((*loaded)->version, 1u);
    EXPECT_EQ((*loaded)->sealed_state, "state-1");
    EXPECT_EQ((*loaded)->touched_unix, 1234);
}

TYPED_TEST(session_store_contract, save_with_current_version_advances_it) {
    this->create(this->key_);
    ASSERT_EQ(save_now(*this->store_, write_of(this->key_, 1, "state-2", 2000)), write_status::ok);
    ASSERT_EQ(save_now(*this->store_, write_of(this->key_, 2, "state-3", 3000)), write_status::ok);
    auto loaded = load_now(*this->store_, this->key_);
    EXPECT_EQ((*loaded)->version, 3u);
    EXPECT_EQ((*loaded)->sealed_state, "state-3");
    EXPECT_EQ((*loaded)->touched_unix, 3000);
}

TYPED_TEST(session_store_contract, save_with_stale_version_conflicts_and_changes_nothing) {
    this->create(this->key_);
    ASSERT_EQ(save_now(*this->store_, write_of(this->key_, 1, "state-2")), write_status::ok);
    auto stale = write_of(this->key_, 1, "lost update");
    stale.frames = sealed_turn(this->sealer_, 1, {"lost frame"});
    EXPECT_EQ(save_now(*this->store_, stale), write_status::conflict);
    auto loaded = load_now(*this->store_, this->key_);
    EXPECT_EQ((*loaded)->version, 2u);
    EXPECT_EQ((*loaded)->sealed_state, "state-2");
    EXPECT_TRUE(frames_after_now(*this->store_, this->key_, 0)->sealed.empty());
}

TYPED_TEST(session_store_contract, creating_an_existing_session_conflicts) {
    this->create(this->key_);
    EXPECT_EQ(save_now(*this->store_, write_of(this->key_, 0, "again")), write_status::conflict);
    EXPECT_EQ((*load_now(*this->store_, this->key_))->sealed_state, "s1");
}

TYPED_TEST(session_store_contract, updating_a_missing_session_conflicts) {
    EXPECT_EQ(save_now(*this->store_, write_of(this->key_, 4, "ghost")), write_status::conflict);
    EXPECT_FALSE(load_now(*this->store_, this->key_)->has_value());
}

TYPED_TEST(session_store_contract, sessions_are_kept_apart) {
    this->create(key_of(1));
    ASSERT_EQ(save_now(*this->store_, write_of(key_of(2), 0, "other")), write_status::ok);
    EXPECT_EQ((*load_now(*this->store_, key_of(1)))->sealed_state, "s1");
    EXPECT_EQ((*load_now(*this->store_, key_of(2)))->sealed_state, "other");
}

TYPED_TEST(session_store_contract, frames_after_returns_later_frames_in_order) {
    ASSERT_EQ(save_now(*this->store_, this->with_frames(0, 1, 3)), write_status::ok);
    ASSERT_EQ(save_now(*this->store_, this->with_frames(1, 4, 2)), write_status::ok);
    EXPECT_EQ(this->replayed_after(2), this->texts_of(3, 5));
    EXPECT_TRUE(frames_after_now(*this->store_, this->key_, 5)->sealed.empty());
}

TYPED_TEST(session_store_contract, a_turn_is_kept_as_the_one_sealed_blob_it_was_saved_as) {
    auto w = this->with_frames(0, 1, 3);
    const std::string sealed = w.frames->sealed;
    ASSERT_EQ(save_now(*this->store_, std::move(w)), write_status::ok);
    auto kept = frames_after_now(*this->store_, this->key_, 0);
    ASSERT_TRUE(kept);
    ASSERT_EQ(kept->sealed.size(), 1u);
    EXPECT_EQ(kept->sealed[0].form, replay_form::turn);
    EXPECT_EQ(kept->sealed[0].last_seq, 3u);
    EXPECT_EQ(kept->sealed[0].sealed, sealed);
}

TYPED_TEST(session_store_contract, a_turn_partly_seen_replays_only_its_later_frames) {
    ASSERT_EQ(save_now(*this->store_, this->with_frames(0, 1, 4)), write_status::ok);
    auto kept = frames_after_now(*this->store_, this->key_, 2);
    ASSERT_TRUE(kept);
    EXPECT_EQ(kept->after, 2u);
    EXPECT_EQ(opened(this->sealer_, *kept), this->texts_of(3, 4));
}

TYPED_TEST(session_store_contract, frames_of_other_sessions_are_not_returned) {
    ASSERT_EQ(save_now(*this->store_, this->with_frames(0, 1, 2)), write_status::ok);
    EXPECT_TRUE(frames_after_now(*this->store_, key_of(99), 0)->sealed.empty());
}

TYPED_TEST(session_store_contract, frames_beyond_the_bound_drop_the_oldest) {
    const auto total = static_cast<std::uint32_t>(max_frames_kept + 40);
    ASSERT_EQ(save_now(*this->store_, this->with_frames(0, 1, 100)), write_status::ok);
    ASSERT_EQ(save_now(*this->store_, this->with_frames(1, 101, total - 100)), write_status::ok);
    EXPECT_EQ(this->replayed_after(0),
              this->texts_of(total - static_cast<std::uint32_t>(max_frames_kept) + 1, total));
}

TYPED_TEST(session_store_contract, many_turns_past_the_bound_keep_exactly_the_newest_frames) {
    // Three frames a turn, so the window's edge falls inside a turn.
    constexpr std::uint32_t turns = 200;
    for (std::uint32_t t = 0; t < turns; ++t) {
        ASSERT_EQ(save_now(*this->store_, this->with_frames(t, 3 * t + 1, 3)), write_status::ok);
    }
    EXPECT_EQ(
        this->replayed_after(0),
        this->texts_of(3 * turns - static_cast<std::uint32_t>(max_frames_kept) + 1, 3 * turns));
    EXPECT_EQ(this->replayed_after(3 * turns - 2), this->texts_of(3 * turns - 1, 3 * turns));
}

TYPED_TEST(session_store_contract, erase_removes_state_frames_and_transcript) {
    auto w = this->with_frames(0, 1, 3);
    w.sealed_transcript = {"line one", "line two"};
    ASSERT_EQ(save_now(*this->store_, w), write_status::ok);
    EXPECT_TRUE(erase_now(*this->store_, this->key_));
    EXPECT_FALSE(load_now(*this->store_, this->key_)->has_value());
    EXPECT_TRUE(frames_after_now(*this->store_, this->key_, 0)->sealed.empty());
    EXPECT_TRUE(transcript_now(*this->store_, this->key_)->empty());
}

TYPED_TEST(session_store_contract, erased_session_can_be_created_again) {
    this->create(this->key_);
    ASSERT_TRUE(erase_now(*this->store_, this->key_));
    EXPECT_EQ(save_now(*this->store_, write_of(this->key_, 0, "fresh")), write_status::ok);
    EXPECT_EQ((*load_now(*this->store_, this->key_))->version, 1u);
}

TYPED_TEST(session_store_contract, erase_leaves_other_sessions) {
    this->create(key_of(1));
    this->create(key_of(2));
    ASSERT_TRUE(erase_now(*this->store_, key_of(1)));
    EXPECT_TRUE(load_now(*this->store_, key_of(2))->has_value());
}

TYPED_TEST(session_store_contract, purge_erases_only_sessions_idle_before_the_cutoff) {
    this->create(key_of(1), 100);
    this->create(key_of(2), 199);
    this->create(key_of(3), 200);
    this->create(key_of(4), 500);
    EXPECT_EQ(purge_now(*this->store_, 200, 0), 2u);
    EXPECT_FALSE(load_now(*this->store_, key_of(1))->has_value());
    EXPECT_FALSE(load_now(*this->store_, key_of(2))->has_value());
    EXPECT_TRUE(load_now(*this->store_, key_of(3))->has_value());
    EXPECT_TRUE(load_now(*this->store_, key_of(4))->has_value());
}

TYPED_TEST(session_store_contract, purge_takes_frames_and_transcripts_with_the_session) {
    auto w = this->with_frames(0, 1, 2);
    w.sealed_transcript = {"a line"};
    w.now_unix = 100;
    ASSERT_EQ(save_now(*this->store_, w), write_status::ok);
    ASSERT_EQ(purge_now(*this->store_, 200, 0), 1u);
    EXPECT_TRUE(frames_after_now(*this->store_, this->key_, 0)->sealed.empty());
    EXPECT_TRUE(transcript_now(*this->store_, this->key_)->empty());
}

TYPED_TEST(session_store_contract, purge_drops_transcript_lines_past_retention_only) {
    auto first = write_of(this->key_, 0, "s1", 100);
    first.sealed_transcript = {"old line"};
    ASSERT_EQ(save_now(*this->store_, first), write_status::ok);
    auto second = write_of(this->key_, 1, "s2", 300);
    second.sealed_transcript = {"new line"};
    ASSERT_EQ(save_now(*this->store_, second), write_status::ok);

    EXPECT_EQ(purge_now(*this->store_, 50, 200), 0u);
    auto lines = transcript_now(*this->store_, this->key_);
    ASSERT_TRUE(lines);
    ASSERT_EQ(lines->size(), 1u);
    EXPECT_EQ(lines->front(), "new line");
    EXPECT_TRUE(load_now(*this->store_, this->key_)->has_value());
}

TYPED_TEST(session_store_contract, transcript_holds_only_what_was_written) {
    auto w = this->with_frames(0, 1, 2);
    ASSERT_EQ(save_now(*this->store_, w), write_status::ok);
    EXPECT_TRUE(transcript_now(*this->store_, this->key_)->empty());

    auto next = write_of(this->key_, 1, "s2");
    next.sealed_transcript = {"person: hi", "bot: hello"};
    ASSERT_EQ(save_now(*this->store_, next), write_status::ok);
    auto lines = transcript_now(*this->store_, this->key_);
    ASSERT_EQ(lines->size(), 2u);
    EXPECT_EQ((*lines)[0], "person: hi");
    EXPECT_EQ((*lines)[1], "bot: hello");
}

TYPED_TEST(session_store_contract, completions_run_on_a_store_thread) {
    std::promise<std::thread::id> where;
    this->store_->save(write_of(this->key_, 0, "s"),
                       [&where](write_status) { where.set_value(std::this_thread::get_id()); });
    EXPECT_NE(where.get_future().get(), std::this_thread::get_id());
}

TYPED_TEST(session_store_contract, flush_returns_after_every_accepted_write_completed) {
    std::atomic<int> completed{0};
    constexpr int writes = 200;
    for (int i = 0; i < writes; ++i) {
        this->store_->save(write_of(key_of(static_cast<std::uint32_t>(i)), 0, "s"),
                           [&completed](write_status s) {
                               if (s == write_status::ok) {
                                   ++completed;
                               }
                           });
    }
    this->store_->flush();
    EXPECT_EQ(completed.load(), writes);
}

TYPED_TEST(session_store_contract, is_ready_when_open) {
    EXPECT_TRUE(this->store_->ready());
}

} // namespace
} // namespace heregoes::store
