// Tests of walk loading: frames are serialized once, a cycle ends with a restart, and a malformed
// walk file gives an error naming the file and the JSON pointer.

#include "tests/bench/load/walk.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>

#include <unistd.h>

namespace heregoes::bench {
namespace {

// A walk file written to a temporary path and removed afterwards.
class walk_file {
public:
    explicit walk_file(const std::string& text) {
        char name[] = "/tmp/heregoes-walk-XXXXXX";
        const int fd = mkstemp(name);
        close(fd);
        path_ = name;
        std::ofstream(path_) << text;
    }
    ~walk_file() { std::remove(path_.c_str()); }
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

TEST(walk, a_cycle_is_the_turns_then_a_restart) {
    walk_file f(R"({"dialog":"first-session","locale":"en",
                   "turns":[{"type":"choice","id":"expect"},{"type":"text","text":"hi"}]})");
    auto w = load_walk(f.path());
    ASSERT_TRUE(w) << w.error().to_string();
    EXPECT_EQ(w->start_frame, R"({"dialog":"first-session","locale":"en","type":"start"})");
    ASSERT_EQ(w->cycle_length(), 3u);
    EXPECT_EQ(w->frame_at(0), R"({"id":"expect","type":"choice"})");
    EXPECT_EQ(w->frame_at(1), R"({"text":"hi","type":"text"})");
    EXPECT_EQ(w->frame_at(2), R"({"type":"restart"})");
}

TEST(walk, a_turn_without_a_type_is_an_error_with_its_pointer) {
    walk_file f(R"({"turns":[{"type":"choice","id":"a"},{"id":"b"}]})");
    auto w = load_walk(f.path());
    ASSERT_FALSE(w);
    EXPECT_EQ(w.error().where, f.path() + "#/turns/1");
}

TEST(walk, invalid_json_is_an_error_naming_the_file) {
    walk_file f("{\"turns\": [");
    auto w = load_walk(f.path());
    ASSERT_FALSE(w);
    EXPECT_EQ(w.error().code, "walk_syntax");
    EXPECT_EQ(w.error().where, f.path());
}

TEST(walk, the_repository_walk_loads) {
    auto w = load_walk(HEREGOES_SOURCE_DIR "/tests/bench/load/walks/first-session.json");
    ASSERT_TRUE(w) << w.error().to_string();
    EXPECT_GT(w->turns.size(), 0u);
}

} // namespace
} // namespace heregoes::bench
