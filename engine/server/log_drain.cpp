// The log drain's thread: it takes everything queued in one swap, writes it in pieces no larger
// than PIPE_BUF once the descriptor says it can take them, and then reports what the queue had to
// drop. Waiting on poll(2) rather than inside write(2) is what lets an orderly stop give up on a
// descriptor nobody reads.

#include "engine/server/log_drain.hpp"

#include <cerrno>
#include <chrono>

#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

namespace heregoes::server {

namespace {

// A pipe that poll(2) reports writable takes a write of up to PIPE_BUF bytes without blocking, so
// pieces of this size keep the drain thread in poll, where it can notice a stop, rather than stuck
// in write. Regular files are always writable and simply take the pieces in turn.
constexpr std::size_t write_piece_bytes = PIPE_BUF;

// How long one poll waits before the thread looks again at whether a stop was asked for.
constexpr int poll_slice_ms = 100;

// How long an orderly stop waits for a descriptor that accepts nothing (a pipe nobody reads, a
// suspended terminal) before it gives up the remaining lines: long enough for a slow disk, short
// enough that a stop never hangs on the log.
constexpr auto shutdown_write_limit = std::chrono::seconds(2);

} // namespace

log_drain::log_drain(int fd, notice_format notice, std::size_t max_queued_bytes)
    : fd_(fd)
    , notice_(std::move(notice))
    , max_queued_bytes_(max_queued_bytes)
    , thread_([this] { run(); }) {
    // Named so a stack snapshot or `top -H` shows which thread is the log's.
    pthread_setname_np(thread_.native_handle(), "hg-log");
}

log_drain::~log_drain() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    work_.notify_one();
    thread_.join();
}

bool log_drain::push(std::string line) {
    bool was_empty = false;
    {
        std::lock_guard lock(mutex_);
        if (queued_bytes_ + line.size() > max_queued_bytes_) {
            ++dropped_;
            return false;
        }
        was_empty = queue_.empty();
        queued_bytes_ += line.size();
        ++queued_total_;
        queue_.push_back(std::move(line));
    }
    // The thread sleeps only on an empty queue, so only the first line of a batch needs to wake
    // it; the lines after it ride along in the same swap.
    if (was_empty) {
        work_.notify_one();
    }
    return true;
}

void log_drain::flush() {
    std::unique_lock lock(mutex_);
    const auto target = queued_total_;
    written_.wait(lock, [&] { return written_total_ >= target; });
}

std::uint64_t log_drain::dropped() const {
    std::lock_guard lock(mutex_);
    return dropped_;
}

void log_drain::run() {
    // SIGPIPE from a write is sent to the thread that wrote, so blocking it here turns a reader
    // that went away (a closed pipe under stderr) into EPIPE for this thread instead of the end
    // of the whole server.
    sigset_t pipe_signal;
    sigemptyset(&pipe_signal);
    sigaddset(&pipe_signal, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_signal, nullptr);

    std::vector<std::string> batch;
    std::string bytes;
    bool gave_up = false;
    for (;;) {
        std::uint64_t drops = 0;
        {
            std::unique_lock lock(mutex_);
            work_.wait(lock, [&] {
                return stopping_ || !queue_.empty() || dropped_ != dropped_reported_;
            });
            if (stopping_ && queue_.empty() && dropped_ == dropped_reported_) {
                return;
            }
            batch.swap(queue_);
            queued_bytes_ = 0;
            drops = dropped_ - dropped_reported_;
            dropped_reported_ = dropped_;
        }
        bytes.clear();
        for (const auto& line : batch) {
            bytes += line;
        }
        if (drops > 0 && notice_) {
            bytes += notice_(drops);
        }
        // Once a stop has given up on the descriptor, what is left goes unwritten: waiting again
        // for every later batch would only stretch the stop.
        if (!gave_up && !write_all(bytes)) {
            gave_up = true;
        }
        const auto lines = batch.size();
        batch.clear();
        {
            std::lock_guard lock(mutex_);
            written_total_ += lines;
        }
        written_.notify_all();
    }
}

bool log_drain::write_all(const std::string& bytes) {
    std::string_view rest = bytes;
    auto waiting_since = std::chrono::steady_clock::now();
    while (!rest.empty()) {
        pollfd p{fd_, POLLOUT, 0};
        const int ready = ::poll(&p, 1, poll_slice_ms);
        if (ready == 0 || (ready < 0 && errno == EINTR)) {
            std::lock_guard lock(mutex_);
            if (stopping_ &&
                std::chrono::steady_clock::now() - waiting_since > shutdown_write_limit) {
                return false;
            }
            continue;
        }
        if (ready < 0) {
            return false;
        }
        const auto n = ::write(fd_, rest.data(), std::min(rest.size(), write_piece_bytes));
        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN) {
                continue;
            }
            return false; // a closed or broken descriptor: there is nowhere left to write
        }
        rest.remove_prefix(static_cast<std::size_t>(n));
        waiting_since = std::chrono::steady_clock::now();
    }
    return true;
}

} // namespace heregoes::server
