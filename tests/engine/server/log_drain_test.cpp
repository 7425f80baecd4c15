// Tests of the log drain and the logger on a descriptor, over real pipes: lines arrive whole and
// in order, a descriptor that accepts nothing never holds up the thread that logs, dropped lines
// are reported with their count, a stop does not hang on a pipe nobody reads, and a reader that
// went away does not end the process.

#include "engine/server/log.hpp"
#include "engine/server/log_drain.hpp"
#include "engine/server/metrics.hpp"
#include "tests/engine/thread_names.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

namespace heregoes::server {
namespace {

// The smallest pipe Linux allows (one page), so that filling it takes a few lines.
constexpr int small_pipe_bytes = 4096;

struct pipe_pair {
    int read_end = -1;
    int write_end = -1;

    pipe_pair() {
        int fds[2];
        EXPECT_EQ(::pipe(fds), 0);
        read_end = fds[0];
        write_end = fds[1];
        EXPECT_GE(::fcntl(write_end, F_SETPIPE_SZ, small_pipe_bytes), small_pipe_bytes);
    }
    ~pipe_pair() {
        close_read();
        close_write();
    }
    void close_read() {
        if (read_end >= 0) {
            ::close(read_end);
            read_end = -1;
        }
    }
    void close_write() {
        if (write_end >= 0) {
            ::close(write_end);
            write_end = -1;
        }
    }
    // Reads until every write end is closed.
    std::string read_to_end() const {
        std::string out;
        char buffer[4096];
        for (;;) {
            const auto n = ::read(read_end, buffer, sizeof buffer);
            if (n <= 0) {
                return out;
            }
            out.append(buffer, static_cast<std::size_t>(n));
        }
    }
    // Reads what is in the pipe now, without waiting for more.
    std::string read_available() const {
        const int flags = ::fcntl(read_end, F_GETFL);
        ::fcntl(read_end, F_SETFL, flags | O_NONBLOCK);
        std::string out;
        char buffer[4096];
        for (;;) {
            const auto n = ::read(read_end, buffer, sizeof buffer);
            if (n <= 0) {
                break;
            }
            out.append(buffer, static_cast<std::size_t>(n));
        }
        ::fcntl(read_end, F_SETFL, flags);
        return out;
    }
};

std::string numbered_line(int i) {
    auto line = "line " + std::to_string(i) + " ";
    line.resize(99, '.');
    return line + "\n";
}

std::string count_notice(std::uint64_t dropped) {
    return "dropped " + std::to_string(dropped) + "\n";
}

std::vector<std::string> split_lines(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        lines.push_back(line);
    }
    return lines;
}

TEST(log_drain, lines_reach_the_descriptor_whole_and_in_order) {
    pipe_pair p;
    std::string received;
    std::thread reader([&] { received = p.read_to_end(); });
    {
        log_drain drain(p.write_end, count_notice);
        for (int i = 0; i < 500; ++i) {
            EXPECT_TRUE(drain.push(numbered_line(i)));
        }
        drain.flush();
    }
    p.close_write();
    reader.join();

    const auto lines = split_lines(received);
    ASSERT_EQ(lines.size(), 500u);
    for (int i = 0; i < 500; ++i) {
        EXPECT_EQ(lines[static_cast<std::size_t>(i)] + "\n", numbered_line(i));
    }
}

TEST(log_drain, a_descriptor_that_accepts_nothing_makes_pushes_drop_instead_of_wait) {
    pipe_pair p; // nobody reads it
    log_drain drain(p.write_end, count_notice, 1024);
    int refused = 0;
    for (int i = 0; i < 200; ++i) {
        if (!drain.push(numbered_line(i))) {
            ++refused;
        }
    }
    // At most the pipe, one batch in flight and a full queue are taken: 4096 + 1024 + 1024 bytes,
    // about 61 lines of 100 bytes.
    EXPECT_GE(refused, 200 - 62);
    EXPECT_EQ(drain.dropped(), static_cast<std::uint64_t>(refused));
    p.close_read(); // lets the drain's stop give up at once (EPIPE) rather than wait
}

TEST(log_drain, dropped_lines_are_reported_with_their_count_where_they_went_missing) {
    pipe_pair p;
    std::string received;
    auto drain = std::make_unique<log_drain>(p.write_end, count_notice, 1024);
    for (int i = 0; i < 200; ++i) {
        drain->push(numbered_line(i));
    }
    const auto dropped = drain->dropped();
    ASSERT_GT(dropped, 0u);
    std::thread reader([&] { received = p.read_to_end(); });
    drain->flush();
    drain.reset(); // the drain writes to the write end until it stops, so close that only after
    p.close_write();
    reader.join();

    // How many runs of lines were lost depends on when the drain thread first ran (a slow start
    // fills the queue before the first batch leaves, then again after it), so the test follows
    // the stream: every notice must stand where its lines went missing and count them exactly,
    // and every line that arrived must be the next one pushed after what came before.
    const auto lines = split_lines(received);
    ASSERT_FALSE(lines.empty());
    int next = 0;
    std::uint64_t reported = 0;
    for (const auto& line : lines) {
        if (line.starts_with("dropped ")) {
            const auto count = std::stoull(line.substr(8));
            EXPECT_GT(count, 0u) << "a notice for no lost lines";
            next += static_cast<int>(count);
            reported += count;
        } else {
            EXPECT_EQ(line + "\n", numbered_line(next));
            ++next;
        }
    }
    EXPECT_EQ(next, 200);
    EXPECT_EQ(reported, dropped);
    EXPECT_TRUE(lines.back().starts_with("dropped ")) << "the last lines pushed were lost";
}

TEST(log_drain, a_stop_gives_up_on_a_pipe_nobody_reads_and_leaves_what_fit) {
    pipe_pair p;
    std::string pushed;
    {
        log_drain drain(p.write_end, count_notice);
        for (int i = 0; i < 100; ++i) {
            pushed += numbered_line(i); // 10,000 bytes into a 4,096-byte pipe
            drain.push(numbered_line(i));
        }
    } // returns once the shutdown limit passes with the pipe still full
    const auto in_pipe = p.read_available();
    EXPECT_FALSE(in_pipe.empty());
    EXPECT_LE(in_pipe.size(), static_cast<std::size_t>(small_pipe_bytes));
    EXPECT_EQ(pushed.substr(0, in_pipe.size()), in_pipe);
}

TEST(log_drain, a_reader_that_went_away_does_not_end_the_process) {
    pipe_pair p;
    p.close_read();
    log_drain drain(p.write_end, count_notice);
    EXPECT_TRUE(drain.push(numbered_line(0)));
    drain.flush(); // the write fails with EPIPE; without SIGPIPE blocked the process would die
    EXPECT_TRUE(drain.push(numbered_line(1)));
    drain.flush();
}

TEST(log_drain, its_thread_is_named_so_a_stack_snapshot_shows_which_it_is) {
    pipe_pair p;
    log_drain drain(p.write_end, count_notice);
    EXPECT_TRUE(heregoes::testing::has_thread_named("hg-log"));
}

TEST(logger, lines_for_a_descriptor_are_json_objects_with_the_event_and_fields) {
    pipe_pair p;
    std::string received;
    std::thread reader([&] { received = p.read_to_end(); });
    {
        logger log(log_level::info, p.write_end);
        log.write(log_level::debug, "below_the_level");
        log.write(log_level::warn, "store_slow", {{"queued", 12}, {"op", "save"}});
        log.flush();
    }
    p.close_write();
    reader.join();

    const auto lines = split_lines(received);
    ASSERT_EQ(lines.size(), 1u);
    const auto line = nlohmann::json::parse(lines[0]);
    EXPECT_EQ(line["level"], "warn");
    EXPECT_EQ(line["event"], "store_slow");
    EXPECT_EQ(line["queued"], 12);
    EXPECT_EQ(line["op"], "save");
}

TEST(logger, dropped_lines_are_counted_and_reported_as_a_warning) {
    pipe_pair p;
    std::string received;
    std::uint64_t dropped = 0;
    auto log = std::make_unique<logger>(log_level::info, p.write_end);
    // Far more than the pipe and the queue hold together, written while nobody reads.
    const std::string filler(900, 'x');
    for (int i = 0; i < 2000; ++i) {
        log->write(log_level::info, "filler", {{"pad", filler}});
    }
    dropped = log->dropped_lines();
    ASSERT_GT(dropped, 0u);
    std::thread reader([&] { received = p.read_to_end(); });
    log->flush();
    log.reset();
    p.close_write();
    reader.join();

    // The lines may have gone missing in more than one run (see the log_drain test above), each
    // with its own warning, so the counts add up across the warnings.
    const auto lines = split_lines(received);
    ASSERT_FALSE(lines.empty());
    std::uint64_t reported = 0;
    std::uint64_t warnings = 0;
    for (const auto& line : lines) {
        const auto entry = nlohmann::json::parse(line);
        if (entry["event"] == "log_lines_dropped") {
            EXPECT_EQ(entry["level"], "warn");
            reported += entry["count"].get<std::uint64_t>();
            ++warnings;
        }
    }
    EXPECT_EQ(nlohmann::json::parse(lines.back())["event"], "log_lines_dropped");
    EXPECT_EQ(reported, dropped);
    EXPECT_EQ(lines.size(), 2000 - dropped + warnings);
}

TEST(metrics, the_exposition_carries_the_count_of_dropped_log_lines) {
    const metrics m;
    EXPECT_NE(m.render(7).find("\nheregoes_log_lines_dropped_total 7\n"), std::string::npos);
}

} // namespace
} // namespace heregoes::server
