// Tests of bench_loadgen's option parsing: a typo in run.sh must fail loudly, naming the option,
// instead of silently measuring something else.

#include "tests/bench/load/loadgen_options.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace heregoes::bench {
namespace {

expected<loadgen_options> parse(std::vector<std::string> args) {
    args.insert(args.begin(), "bench_loadgen");
    std::vector<char*> argv;
    for (auto& a : args) {
        argv.push_back(a.data());
    }
    return parse_options(static_cast<int>(argv.size()), argv.data());
}

TEST(loadgen_options, open_mode_reads_rate_and_sessions) {
    auto o = parse({"--port",
                    "9000",
                    "--walk",
                    "w.json",
                    "--mode",
                    "open",
                    "--rate",
                    "2500",
                    "--sessions",
                    "1000",
                    "--protocol",
                    "echo"});
    ASSERT_TRUE(o) << o.error().to_string();
    EXPECT_EQ(o->port, 9000);
    EXPECT_EQ(o->mode, run_mode::open);
    EXPECT_EQ(o->protocol, protocol_kind::echo);
    EXPECT_DOUBLE_EQ(o->rate, 2500.0);
    EXPECT_EQ(o->sessions, 1000u);
}

TEST(loadgen_options, open_mode_without_a_rate_is_an_error) {
    auto o = parse({"--port", "9000", "--walk", "w.json", "--mode", "open"});
    ASSERT_FALSE(o);
    EXPECT_EQ(o.error().where, "--rate");
}

TEST(loadgen_options, a_number_with_trailing_junk_is_rejected) {
    auto o = parse({"--port", "9000", "--walk", "w.json", "--sessions", "100x"});
    ASSERT_FALSE(o);
    EXPECT_EQ(o.error().where, "--sessions");
}

TEST(loadgen_options, an_unknown_option_is_named) {
    auto o = parse({"--port", "9000", "--walk", "w.json", "--sesions", "100"});
    ASSERT_FALSE(o);
    EXPECT_EQ(o.error().where, "--sesions");
}

TEST(loadgen_options, port_and_walk_are_required) {
    EXPECT_FALSE(parse({"--walk", "w.json"}));
    EXPECT_FALSE(parse({"--port", "9000"}));
}

TEST(loadgen_options, open_mode_reads_the_window_length_and_the_progress_file) {
    auto o = parse({"--port",
                    "9000",
                    "--walk",
                    "w.json",
                    "--mode",
                    "open",
                    "--rate",
                    "5000",
                    "--window-seconds",
                    "10",
                    "--progress",
                    "/dev/shm/p.txt"});
    ASSERT_TRUE(o) << o.error().to_string();
    EXPECT_DOUBLE_EQ(o->window_seconds, 10.0);
    EXPECT_EQ(o->progress_path, "/dev/shm/p.txt");
}

TEST(loadgen_options, without_window_seconds_there_is_no_series) {
    auto o = parse({"--port", "9000", "--walk", "w.json", "--mode", "open", "--rate", "10"});
    ASSERT_TRUE(o) << o.error().to_string();
    EXPECT_EQ(o->window_seconds, 0.0);
}

TEST(loadgen_options, a_window_outside_open_mode_is_an_error) {
    auto o = parse({"--port", "9000", "--walk", "w.json", "--window-seconds", "10"});
    ASSERT_FALSE(o);
    EXPECT_EQ(o.error().where, "--window-seconds");
}

TEST(loadgen_options, a_window_shorter_than_a_tenth_of_a_second_is_rejected) {
    auto o = parse({"--port",
                    "9000",
                    "--walk",
                    "w.json",
                    "--mode",
                    "open",
                    "--rate",
                    "10",
                    "--window-seconds",
                    "0.05"});
    ASSERT_FALSE(o);
    EXPECT_EQ(o.error().where, "--window-seconds");
}

TEST(loadgen_options, a_window_length_with_trailing_junk_is_rejected) {
    auto o = parse({"--port",
                    "9000",
                    "--walk",
                    "w.json",
                    "--mode",
                    "open",
                    "--rate",
                    "10",
                    "--window-seconds",
                    "10s"});
    ASSERT_FALSE(o);
    EXPECT_EQ(o.error().where, "--window-seconds");
}

TEST(loadgen_options, an_empty_progress_path_is_rejected) {
    auto o = parse({"--port", "9000", "--walk", "w.json", "--progress", ""});
    ASSERT_FALSE(o);
    EXPECT_EQ(o.error().where, "--progress");
}

} // namespace
} // namespace heregoes::bench
