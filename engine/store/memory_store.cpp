// The in-memory session store. Each call applies its change at once under one mutex (memory is as
// durable as this store gets) and queues its completion for the worker thread, so a caller never
// runs a completion on its own stack and the order of completions is the order of calls.

#include "engine/store/memory_store.hpp"

#include "engine/store/store_limits.hpp"

#include <utility>

namespace heregoes::store {

memory_store::memory_store()
    : worker_([this] { run_worker(); }) {
}

memory_store::~memory_store() {
    {
        std::lock_guard lock(queue_mutex_);
        stopping_ = true;
    }
    queue_changed_.notify_all();
    worker_.join();
}

void memory_store::post(std::function<void()> completion) {
    {
        std::lock_guard lock(queue_mutex_);
        completions_.push_back(std::move(completion));
        ++posted_;
    }
    queue_changed_.notify_all();
}

void memory_store::run_worker() {
    std::unique_lock lock(queue_mutex_);
    for (;;) {
        queue_changed_.wait(lock, [this] { return stopping_ || !completions_.empty(); });
        if (completions_.empty()) {
            return; // stopping, and everything queued has run
        }
        auto completion = std::move(completions_.front());
        completions_.pop_front();
        lock.unlock();
        completion();
        lock.lock();
        ++finished_;
        queue_changed_.notify_all();
    }
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
                it = sessions_.emplace(write.key, entry{}).first;
            }
        } else if (it == sessions_.end() || it->second.session.version != write.expected_version) {
            status = write_status::conflict;
        }
        if (status == write_status::ok) {
            entry& e = it->second;
            e.session.version = write.expected_version + 1;
            e.session.sealed_state = std::move(write.sealed_state);
            e.session.touched_unix = write.now_unix;
            for (auto& frame : write.frames) {
                e.frames[frame.seq] = std::move(frame.sealed);
            }
            while (e.frames.size() > max_frames_kept) {
                e.frames.erase(e.frames.begin());
            }
            for (auto& line : write.sealed_transcript) {
                e.transcript.push_back(transcript_line{std::move(line), write.now_unix});
            }
        }
    }
    post([done = std::move(done), status] { done(status); });
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
    post([done = std::move(done), found = std::move(found)]() mutable {
        done(expected<std::optional<stored_session>>(std::move(found)));
    });
}

void memory_store::frames_after(session_key key,
                                std::uint32_t after,
                                std::function<void(expected<std::vector<sealed_frame>>)> done) {
    std::vector<sealed_frame> frames;
    {
        std::lock_guard lock(data_mutex_);
        if (auto it = sessions_.find(key); it != sessions_.end()) {
            for (auto f = it->second.frames.upper_bound(after); f != it->second.frames.end(); ++f) {
                frames.push_back(sealed_frame{f->first, f->second});
            }
        }
    }
    post([done = std::move(done), frames = std::move(frames)]() mutable {
        done(expected<std::vector<sealed_frame>>(std::move(frames)));
    });
}

void memory_store::erase(session_key key, std::function<void(bool)> done) {
    {
        std::lock_guard lock(data_mutex_);
        sessions_.erase(key);
    }
    post([done = std::move(done)] { done(true); });
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
    post([done = std::move(done), erased] { done(erased); });
}

bool memory_store::ready() const {
    return true;
}

void memory_store::flush() {
    std::unique_lock lock(queue_mutex_);
    const std::uint64_t target = posted_;
    queue_changed_.wait(lock, [this, target] { return finished_ >= target; });
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
    post([done = std::move(done), lines = std::move(lines)]() mutable {
        done(expected<std::vector<std::string>>(std::move(lines)));
    });
}

} // namespace heregoes::store
