// The in-memory session store. Each call applies its change at once under one mutex (memory is as
// durable as this store gets) and queues its completion for the worker thread, so a caller never
// runs a completion on its own stack. The worker takes everything queued in one go: a caller wakes
// it only when the queue was empty, and the saves of one batch reach run_completions in one call.
// Completions keep the order of calls (with run_completions set: among saves, and among the rest).

#include "engine/store/memory_store.hpp"

#include "engine/store/store_limits.hpp"

#include <algorithm>
#include <utility>

namespace heregoes::store {

memory_store::memory_store()
    : memory_store(memory_options{}) {
}

memory_store::memory_store(memory_options options)
    : options_(std::move(options))
    , worker_([this] { run_worker(); }) {
}

memory_store::~memory_store() {
    {
        std::lock_guard lock(queue_mutex_);
        stopping_ = true;
    }
    work_ready_.notify_one();
    worker_.join();
}

void memory_store::post(completion queued) {
    bool was_empty = false;
    {
        std::lock_guard lock(queue_mutex_);
        was_empty = queue_.empty();
        queue_.push_back(std::move(queued));
        ++posted_;
    }
    // A queue that already held work has woken the worker, which empties it before it sleeps.
    if (was_empty) {
        work_ready_.notify_one();
    }
}

void memory_store::run_worker() {
    // Swapped with the queue each round, so both keep their capacity and a batch costs no
    // allocation for its list.
    std::vector<completion> batch;
    std::unique_lock lock(queue_mutex_);
    for (;;) {
        work_ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
        if (queue_.empty()) {
            return; // stopping, and everything queued has run
        }
        batch.swap(queue_);
        lock.unlock();
        const std::size_t count = batch.size();
        run_batch(batch);
        lock.lock();
        finished_ += count;
        batch_done_.notify_all();
    }
}

void memory_store::run_batch(std::vector<completion>& batch) {
    if (!options_.run_completions) {
        for (auto& c : batch) {
            if (c.other) {
                c.other();
            } else {
                c.save_done(c.status);
            }
        }
        batch.clear();
        return;
    }
    // Saves are what every turn waits for, so they go out first, together.
    save_completions saves;
    for (auto& c : batch) {
        if (!c.other) {
            saves.emplace_back(std::move(c.save_done), c.status);
        }
    }
    hand_over_saves(options_.run_completions, std::move(saves));
    for (auto& c : batch) {
        if (c.other) {
            c.other();
        }
    }
    batch.clear();
}

void memory_store::save(session_write write, std::function<void(write_status)> done) {
    write_status status = write_status::ok;
    {
        std::lock_guard lock(data_mutex_);
        auto it = sessions_.find(write.key);
        if (write.expected_version == 0) {
            if (it != sessions_.end()) {
                status = write_status::conflict;
            } else {
                it = sessions_.try_emplace(write.key).first;
            }
        } else if (it == sessions_.end() || it->second.session.version != write.expected_version) {
            status = write_status::conflict;
        }
        if (status == write_status::ok) {
            entry& e = it->second;
            e.session.version = write.expected_version + 1;
            e.session.sealed_state = std::move(write.sealed_state);
            e.session.touched_unix = write.now_unix;
            if (write.frames) {
                e.replay.push_back(sealed_replay{
                    replay_form::turn, write.frames->last_seq, std::move(write.frames->sealed)});
                // As the SQLite store does: drop the turns wholly older than the newest
                // max_frames_kept frames; frames_after cuts a turn that straddles the edge.
                const std::uint32_t behind = replay_window_after(write.frames->last_seq);
                while (e.replay.front().last_seq <= behind) {
                    e.replay.pop_front();
                }
            }
            for (auto& line : write.sealed_transcript) {
                e.transcript.push_back(transcript_line{std::move(line), write.now_unix});
            }
        }
    }
    post(completion{std::move(done), status, {}});
}

void memory_store::load(session_key key,
                        std::function<void(expected<std::optional<stored_session>>)> done) {
    std::optional<stored_session> found;
    {
        std::lock_guard lock(data_mutex_);
        if (auto it = sessions_.find(key); it != sessions_.end()) {
            found = it->second.session;
        }
    }
    post(completion{
        {}, write_status::ok, [done = std::move(done), found = std::move(found)]() mutable {
            done(expected<std::optional<stored_session>>(std::move(found)));
        }});
}

void memory_store::frames_after(session_key key,
                                std::uint32_t after,
                                std::function<void(expected<kept_replay>)> done) {
    kept_replay kept;
    kept.after = after;
    {
        std::lock_guard lock(data_mutex_);
        if (auto it = sessions_.find(key); it != sessions_.end() && !it->second.replay.empty()) {
            const auto& replay = it->second.replay;
            kept.after = std::max(after, replay_window_after(replay.back().last_seq));
            auto from =
                std::partition_point(replay.begin(), replay.end(), [&kept](const sealed_replay& r) {
                    return r.last_seq <= kept.after;
                });
            kept.sealed.assign(from, replay.end());
        }
    }
    post(completion{
        {}, write_status::ok, [done = std::move(done), kept = std::move(kept)]() mutable {
            done(expected<kept_replay>(std::move(kept)));
        }});
}

void memory_store::erase(session_key key, std::function<void(bool)> done) {
    {
        std::lock_guard lock(data_mutex_);
        sessions_.erase(key);
    }
    post(completion{{}, write_status::ok, [done = std::move(done)] {
                        done(true);
                    }});
}

void memory_store::purge(std::int64_t cutoff_unix,
                         std::int64_t transcript_cutoff_unix,
                         std::function<void(std::size_t)> done) {
    std::size_t erased = 0;
    {
        std::lock_guard lock(data_mutex_);
        for (auto it = sessions_.begin(); it != sessions_.end();) {
            if (it->second.session.touched_unix < cutoff_unix) {
                it = sessions_.erase(it);
                ++erased;
                continue;
            }
            std::erase_if(it->second.transcript,
                          [transcript_cutoff_unix](const transcript_line& l) {
                              return l.at_unix < transcript_cutoff_unix;
                          });
            ++it;
        }
    }
    post(completion{{}, write_status::ok, [done = std::move(done), erased] {
                        done(erased);
                    }});
}

bool memory_store::ready() const {
    return true;
}

void memory_store::flush() {
    std::unique_lock lock(queue_mutex_);
    const std::uint64_t target = posted_;
    batch_done_.wait(lock, [this, target] { return finished_ >= target; });
}

void memory_store::transcript(session_key key,
                              std::function<void(expected<std::vector<std::string>>)> done) {
    std::vector<std::string> lines;
    {
        std::lock_guard lock(data_mutex_);
        if (auto it = sessions_.find(key); it != sessions_.end()) {
            for (const auto& line : it->second.transcript) {
                lines.push_back(line.sealed);
            }
        }
    }
    post(completion{
        {}, write_status::ok, [done = std::move(done), lines = std::move(lines)]() mutable {
            done(expected<std::vector<std::string>>(std::move(lines)));
        }});
}

} // namespace heregoes::store
