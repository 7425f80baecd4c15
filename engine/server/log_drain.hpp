#pragma once

// The log's way out to a file descriptor: a thread that logs only queues its line in memory, and a
// thread of the drain's own writes the lines. A network thread that wrote straight to stderr
// stalled every connection it served whenever the disk under stderr fell behind (a page-cache
// flush can hold a write(2) for seconds). The queue is bounded: past the bound a line is dropped
// and counted, and once the drain catches up it writes one notice with the count, so whoever reads
// the log knows that lines are missing and how many.

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace heregoes::server {

// How many bytes of lines may wait for the descriptor. A line is about 150–400 bytes, so this
// holds a few thousand lines: a burst of errors (a failing store logs one line per failed batch)
// rides out a stall of several seconds, while a descriptor that never drains costs at most 1 MiB.
inline constexpr std::size_t max_queued_log_bytes = 1 << 20;

class log_drain {
public:
    // Formats the line that reports `dropped` lines lost since the previous report.
    using notice_format = std::function<std::string(std::uint64_t dropped)>;

    // Starts the writing thread for `fd`, which stays the caller's (it is never closed).
    log_drain(int fd, notice_format notice, std::size_t max_queued_bytes = max_queued_log_bytes);

    // Writes what is still queued, giving up if the descriptor accepts nothing for
    // shutdown_write_limit, then stops the thread.
    ~log_drain();

    log_drain(const log_drain&) = delete;
    log_drain& operator=(const log_drain&) = delete;

    // Queues one whole line (with its newline) and returns at once; false when the queue was full
    // and the line was dropped.
    bool push(std::string line);

    // Waits until every line queued before the call has been written. It waits as long as the
    // descriptor blocks, so it is for tests and orderly shutdown, never for a network thread.
    void flush();

    // Lines dropped because the queue was full, since the drain started.
    std::uint64_t dropped() const;

private:
    void run();
    bool write_all(const std::string& bytes);

    const int fd_;
    const notice_format notice_;
    const std::size_t max_queued_bytes_;

    mutable std::mutex mutex_;
    std::condition_variable work_;    // the drain thread waits here for lines or the stop
    std::condition_variable written_; // flush() waits here for the drain to pass its line
    std::vector<std::string> queue_;
    std::size_t queued_bytes_ = 0;
    std::uint64_t queued_total_ =
        0; // lines ever queued; flush() waits for written_total_ to reach it
    std::uint64_t written_total_ = 0; // lines handed to the descriptor (or given up at shutdown)
    std::uint64_t dropped_ = 0;
    std::uint64_t dropped_reported_ = 0;
    bool stopping_ = false;

    std::thread thread_; // last, so it starts after everything it reads is built
};

} // namespace heregoes::server
