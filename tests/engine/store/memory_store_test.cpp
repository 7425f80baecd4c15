// What only the in-memory store does (the shared contract is in session_store_test.cpp): with
// memory_options::run_completions set, the saves its worker finds queued together are handed over
// in one call, and every other completion still runs on the worker. The tests keep the hand-overs
// and run them on the test thread, so they can count them and see what each one carries.

#include "engine/store/memory_store.hpp"
#include "tests/engine/store/blocking_calls.hpp"

#include <gtest/gtest.h>

#include <future>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

namespace heregoes::store {
namespace {

using namespace heregoes::store::testing;

// Stands in for the server's post to a network thread: keeps each hand-over to run later.
class kept_hand_overs {
public:
    memory_options options() {
        memory_options o;
        o.run_completions = [this](std::function<void()> batch) {
            std::lock_guard lock(mutex_);
            batches_.push_back(std::move(batch));
        };
        return o;
    }

    std::size_t count() {
        std::lock_guard lock(mutex_);
        return batches_.size();
    }

    // Runs every hand-over kept so far, in the order they came, on the calling thread.
    void run_all() {
        std::vector<std::function<void()>> taken;
        {
            std::lock_guard lock(mutex_);
            taken.swap(batches_);
        }
        for (auto& batch : taken) {
            batch();
        }
    }

private:
    std::mutex mutex_;
    std::vector<std::function<void()>> batches_;
};

// Keeps the store's worker busy inside a load completion until it goes out of scope, so the calls
// made meanwhile queue up behind it and reach the worker as one batch.
class busy_worker {
public:
    explicit busy_worker(memory_store& store) {
        // Shared with the completion, which may still be returning from its wait when this object
        // is gone.
        store.load(key_of(999), [s = signals_](expected<std::optional<stored_session>>) {
            s->started.set_value();
            s->released.wait();
        });
        signals_->running.wait();
    }
    busy_worker(const busy_worker&) = delete;
    busy_worker& operator=(const busy_worker&) = delete;
    ~busy_worker() { signals_->release.set_value(); }

private:
    struct signals {
        std::promise<void> started;
        std::future<void> running = started.get_future();
        std::promise<void> release;
        std::shared_future<void> released = release.get_future().share();
    };
    std::shared_ptr<signals> signals_ = std::make_shared<signals>();
};

struct save_result {
    int index = 0;
    write_status status = write_status::failed;
    bool operator==(const save_result&) const = default;
};

TEST(memory_store, saves_queued_together_are_handed_over_in_one_call_in_call_order) {
    kept_hand_overs hand_overs;
    memory_store store(hand_overs.options());
    std::vector<save_result> results;
    {
        busy_worker busy(store);
        for (int i = 0; i < 5; ++i) {
            store.save(write_of(key_of(static_cast<std::uint32_t>(i)), 0, "s"),
                       [&results, i](write_status s) {
                           results.push_back({i, s});
                       });
        }
    }
    store.flush();
    EXPECT_EQ(hand_overs.count(), 1u);
    hand_overs.run_all();
    const std::vector<save_result> expected_results{{0, write_status::ok},
                                                    {1, write_status::ok},
                                                    {2, write_status::ok},
                                                    {3, write_status::ok},
                                                    {4, write_status::ok}};
    EXPECT_EQ(results, expected_results);
}

TEST(memory_store, a_handed_over_save_completes_only_when_its_hand_over_runs) {
    kept_hand_overs hand_overs;
    memory_store store(hand_overs.options());
    bool completed = false;
    store.save(write_of(key_of(1), 0, "s"), [&completed](write_status) { completed = true; });
    store.flush();
    EXPECT_FALSE(completed);
    hand_overs.run_all();
    EXPECT_TRUE(completed);
}

TEST(memory_store, a_conflicting_save_is_handed_over_with_its_status) {
    kept_hand_overs hand_overs;
    memory_store store(hand_overs.options());
    std::vector<write_status> results;
    store.save(write_of(key_of(1), 0, "s"), [&results](write_status s) { results.push_back(s); });
    store.save(write_of(key_of(1), 0, "again"),
               [&results](write_status s) { results.push_back(s); });
    store.flush();
    hand_overs.run_all();
    const std::vector<write_status> expected_results{write_status::ok, write_status::conflict};
    EXPECT_EQ(results, expected_results);
}

TEST(memory_store, other_completions_run_on_the_worker_when_saves_are_handed_over) {
    kept_hand_overs hand_overs;
    memory_store store(hand_overs.options());
    bool loaded = false;
    bool erased = false;
    store.load(key_of(1), [&loaded](expected<std::optional<stored_session>>) { loaded = true; });
    store.erase(key_of(1), [&erased](bool) { erased = true; });
    store.flush();
    EXPECT_TRUE(loaded);
    EXPECT_TRUE(erased);
    EXPECT_EQ(hand_overs.count(), 0u);
}

TEST(memory_store, destroying_the_store_hands_over_the_saves_still_queued) {
    kept_hand_overs hand_overs;
    auto store = std::make_unique<memory_store>(hand_overs.options());
    bool completed = false;
    {
        busy_worker busy(*store);
        store->save(write_of(key_of(1), 0, "s"), [&completed](write_status) { completed = true; });
    }
    store.reset();
    EXPECT_EQ(hand_overs.count(), 1u);
    hand_overs.run_all();
    EXPECT_TRUE(completed);
}

} // namespace
} // namespace heregoes::store
