// The progress channel's line format and its file. The file is opened with O_APPEND so every line
// lands whole at the end, and a reader takes the last line that closes with "end".

#include "tests/bench/load/progress_file.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <utility>

#include <fcntl.h>
#include <unistd.h>

namespace heregoes::bench {

std::string format_progress_line(const progress_point& p) {
    char text[160];
    const int n = std::snprintf(text,
                                sizeof text,
                                "progress %.1f %.*s %llu %.0f %llu end\n",
                                p.seconds,
                                static_cast<int>(p.phase.size()),
                                p.phase.data(),
                                static_cast<unsigned long long>(p.outstanding),
                                p.oldest_ms,
                                static_cast<unsigned long long>(p.replies));
    if (n < 0) {
        return {};
    }
    return std::string(text, std::min(static_cast<std::size_t>(n), sizeof text - 1));
}

heregoes::expected<progress_file> progress_file::open(const std::string& path) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) {
        return fail("progress_file",
                    std::string("cannot create the progress file: ") + std::strerror(errno),
                    path);
    }
    return progress_file(fd);
}

progress_file::progress_file(progress_file&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)) {
}

progress_file& progress_file::operator=(progress_file&& other) noexcept {
    if (this != &other) {
        if (fd_ >= 0) {
            ::close(fd_);
        }
        fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
}

progress_file::~progress_file() {
    if (fd_ >= 0) {
        ::close(fd_);
    }
}

void progress_file::append(const std::string& line) {
    if (fd_ >= 0 && !line.empty()) {
        [[maybe_unused]] const auto written = ::write(fd_, line.data(), line.size());
    }
}

} // namespace heregoes::bench
