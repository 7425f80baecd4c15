// Tests of the progress channel run.sh's stall detector reads: the line carries the oldest
// outstanding turn's age in whole milliseconds, closes with "end" so a half-written line is
// recognisable, and lines are appended, not overwritten.

#include "tests/bench/load/progress_file.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

namespace heregoes::bench {
namespace {

progress_point stalled_point() {
    progress_point p;
    p.seconds = 12.34;
    p.phase = "measuring";
    p.outstanding = 8123;
    p.oldest_ms = 4021.6;
    p.replies = 61'000;
    return p;
}

TEST(progress_file, the_line_holds_every_field_in_order_and_closes_with_end) {
    EXPECT_EQ(format_progress_line(stalled_point()),
              "progress 12.3 measuring 8123 4022 61000 end\n");
}

TEST(progress_file, lines_are_appended_in_order) {
    const auto path = ::testing::TempDir() + "progress_file_test_append.txt";
    {
        auto file = progress_file::open(path);
        ASSERT_TRUE(file) << file.error().to_string();
        file->append("first\n");
        file->append("second\n");
    }
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    EXPECT_EQ(text.str(), "first\nsecond\n");
}

TEST(progress_file, opening_starts_the_file_empty) {
    const auto path = ::testing::TempDir() + "progress_file_test_reopen.txt";
    {
        std::ofstream old(path);
        old << "a line of an earlier run\n";
    }
    {
        auto file = progress_file::open(path);
        ASSERT_TRUE(file) << file.error().to_string();
    }
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    EXPECT_EQ(text.str(), "");
}

TEST(progress_file, a_file_that_cannot_be_created_is_an_error_naming_it) {
    const std::string path = "/nonexistent-directory-for-heregoes-tests/progress.txt";
    auto file = progress_file::open(path);
    ASSERT_FALSE(file);
    EXPECT_EQ(file.error().where, path);
}

} // namespace
} // namespace heregoes::bench
