#pragma once

// The load generator's progress channel: once a second one short line appended to a file, saying
// how many turns are outstanding and how long the oldest of them has been due. run.sh reads the
// last line during a soak to notice a stalled server while it is still stalled, and takes a stack
// snapshot of it then. One small write a second costs the generator nothing measurable; run.sh
// puts the file on tmpfs (/dev/shm) so the write never waits for a disk.

#include "engine/core/expected.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace heregoes::bench {

// What one progress line reports.
struct progress_point {
    double seconds = 0;            // since the generator started
    std::string_view phase;        // opening, warmup, measuring, draining, holding
    std::uint64_t outstanding = 0; // turns due and not yet answered
    double oldest_ms = 0;          // how long the oldest of them has been due; 0 when none
    std::uint64_t replies = 0;     // turns answered since the generator started
};

// The line, newline included: "progress <seconds> <phase> <outstanding> <oldest_ms> <replies>
// end". The closing word lets a reader tell a whole line from one still being written.
std::string format_progress_line(const progress_point& p);

// An append-only file of progress lines.
class progress_file {
public:
    // Creates (or empties) `path`; the error names the path and the system's reason.
    static heregoes::expected<progress_file> open(const std::string& path);

    progress_file(progress_file&& other) noexcept;
    progress_file& operator=(progress_file&& other) noexcept;
    progress_file(const progress_file&) = delete;
    progress_file& operator=(const progress_file&) = delete;
    ~progress_file();

    // Appends one line with a single write(2); a failed write is dropped, never retried (the
    // channel must not hold up the load it reports on).
    void append(const std::string& line);

private:
    explicit progress_file(int fd)
        : fd_(fd) {}

    int fd_ = -1;
};

} // namespace heregoes::bench
