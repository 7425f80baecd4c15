#pragma once

// The in-memory session store: for tests and for ephemeral deployments that accept losing every
// session on restart. It keeps exactly what the SQLite store keeps (the same limits, the same
// version rules) and gives the same threading contract: every completion runs on the store's own
// worker thread (or, for saves, on the thread memory_options::run_completions hands them to), never
// inline on the caller's thread and never under the store's lock.

#include "engine/store/save_handover.hpp"
#include "engine/store/session_store.hpp"

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace heregoes::store {

struct memory_options {
    // Runs the completions of the saves the worker finds queued together, given as one function.
    // Unset: they run on the worker thread, in call order with every other completion. A server
    // passes a function that posts the batch to a network thread, as it does for
    // sqlite_options::run_completions: the hand-over then costs one cross-thread post per batch
    // rather than one per turn. Loads, erases, purges and transcripts always complete on the
    // worker.
    completion_runner run_completions;
};

class memory_store final : public session_store {
public:
    // Starts the worker thread; every completion runs on it.
    memory_store();
    // Starts the worker thread; save completions go out as `options` says.
    explicit memory_store(memory_options options);
    // Runs every completion still queued, then stops the worker.
    ~memory_store() override;

    memory_store(const memory_store&) = delete;
    memory_store& operator=(const memory_store&) = delete;

    void save(session_write write, std::function<void(write_status)> done) override;
    void load(session_key key,
              std::function<void(expected<std::optional<stored_session>>)> done) override;
    void frames_after(session_key key,
                      std::uint32_t after,
                      std::function<void(expected<kept_replay>)> done) override;
    void erase(session_key key, std::function<void(bool)> done) override;
    void purge(std::int64_t cutoff_unix,
               std::int64_t transcript_cutoff_unix,
               std::function<void(std::size_t)> done) override;
    bool ready() const override;
    // Blocks until every completion queued so far has run (or, for a save, has been handed to
    // run_completions). Never call it from a completion.
    void flush() override;

    // The sealed transcript lines kept for a session, oldest first (empty unless written).
    void transcript(session_key key, std::function<void(expected<std::vector<std::string>>)> done);

private:
    struct transcript_line {
        std::string sealed;
        std::int64_t at_unix = 0;
    };
    struct entry {
        stored_session session;
        std::deque<sealed_replay> replay; // one sealed blob per turn, oldest first
        std::deque<transcript_line> transcript;
    };

    // A queued completion: any other call's (`other` set), or a save's (its callback and result,
    // kept apart so a batch of them can be handed over together).
    struct completion {
        std::function<void(write_status)> save_done;
        write_status status = write_status::ok;
        std::function<void()> other;
    };

    void post(completion queued);
    void run_worker();
    void run_batch(std::vector<completion>& batch);

    const memory_options options_;

    mutable std::mutex data_mutex_;
    std::map<session_key, entry> sessions_;

    std::mutex queue_mutex_;
    std::condition_variable work_ready_; // the worker waits here for a queue that was empty
    std::condition_variable batch_done_; // flush waits here for the worker to finish a batch
    std::vector<completion> queue_;
    std::uint64_t posted_ = 0;
    std::uint64_t finished_ = 0;
    bool stopping_ = false;
    std::thread worker_;
};

} // namespace heregoes::store
