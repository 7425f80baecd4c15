#pragma once

// Drawing random bytes in a forked child and reading them back in the parent, for the tests that
// check a child never repeats what its parent draws next: the per-thread random pool is copied
// into the child by fork(), so a pool that did not notice the fork would hand out the same bytes
// twice. The fork, pipe and wait are here so each test says only what is drawn and compared.

#include "engine/core/expected.hpp"

#include <string>

#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

namespace heregoes::store::testing {

// Forks; the child calls `draw(buffer)` and sends `buffer` back through a pipe. Returns what the
// child drew (as many bytes as `buffer` holds), or an error naming the step that failed.
template <class bytes, class draw_fn>
expected<bytes> drawn_in_forked_child(bytes buffer, draw_fn draw) {
    int pipe_fds[2];
    if (::pipe(pipe_fds) != 0) {
        return fail("pipe_failed", "could not open a pipe to the child");
    }
    const pid_t child = ::fork();
    if (child < 0) {
        ::close(pipe_fds[0]);
        ::close(pipe_fds[1]);
        return fail("fork_failed", "could not fork a child");
    }
    if (child == 0) {
        const bool ok = draw(buffer) && ::write(pipe_fds[1], buffer.data(), buffer.size()) ==
                                            static_cast<ssize_t>(buffer.size());
        ::_exit(ok ? 0 : 1);
    }
    // The parent's write end is closed first, so a child that exits without writing ends the read.
    ::close(pipe_fds[1]);
    const ssize_t got = ::read(pipe_fds[0], buffer.data(), buffer.size());
    int status = 0;
    ::waitpid(child, &status, 0);
    ::close(pipe_fds[0]);
    if (got != static_cast<ssize_t>(buffer.size())) {
        return fail("short_read",
                    "read " + std::to_string(got) + " of " + std::to_string(buffer.size()) +
                        " bytes from the child");
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        return fail("child_failed", "the child could not draw or send its bytes");
    }
    return buffer;
}

} // namespace heregoes::store::testing
