#pragma once

// The in-memory session store: for tests and for ephemeral deployments that accept losing every
// session on restart. It keeps exactly what the SQLite store keeps (the same limits, the same
// version rules) and gives the same threading contract: every completion runs on the store's own
// worker thread, never inline on the caller's thread and never under the store's lock.

#include "engine/store/session_store.hpp"

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace heregoes::store {

class memory_store final : public session_store {
public:
    // Starts the worker thread.
    memory_store();
    // Runs every completion still queued, then stops the worker.
    ~memory_store() override;

    memory_store(const memory_store&) = delete;
    memory_store& operator=(const memory_store&) = delete;

    void save(session_write write, std::function<void(write_status)> done) override;
    void load(session_key key,
              std::function<void(expected<std::optional<stored_session>>)> done) override;
    void frames_after(session_key key,
                      std::uint32_t after,
                      std::function<void(expected<std::vector<sealed_frame>>)> done) override;
    void erase(session_key key, std::function<void(bool)> done) override;
    void purge(std::int64_t cutoff_unix,
               std::int64_t transcript_cutoff_unix,
               std::function<void(std::size_t)> done) override;
    bool ready() const override;
    // Blocks until every completion queued so far has run. Never call it from a completion.
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
        std::map<std::uint32_t, std::string> frames; // seq -> sealed
        std::deque<transcript_line> transcript;
    };

    void post(std::function<void()> completion);
    void run_worker();

    mutable std::mutex data_mutex_;
    std::map<session_key, entry> sessions_;

    std::mutex queue_mutex_;
    std::condition_variable queue_changed_;
    std::deque<std::function<void()>> completions_;
    std::uint64_t posted_ = 0;
    std::uint64_t finished_ = 0;
    bool stopping_ = false;
    std::thread worker_;
};

} // namespace heregoes::store
