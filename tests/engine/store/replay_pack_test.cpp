// Tests of the replay pack format: frames come back as packed, filtered by seq, and damage is an
// error that names where it is.

#include "engine/store/replay_pack.hpp"

#include <gtest/gtest.h>

namespace heregoes::store {
namespace {

std::vector<sealed_frame> three_frames() {
    return {{7, "first"}, {8, std::string("with\0zero", 9)}, {9, ""}};
}

TEST(replay_pack, frames_come_back_as_they_were_packed) {
    std::string pack;
    pack_frames(three_frames(), pack);
    std::vector<sealed_frame> out;
    ASSERT_TRUE(unpack_frames(pack, 0, out));
    ASSERT_EQ(out.size(), 3u);
    for (std::size_t i = 0; i < out.size(); ++i) {
        EXPECT_EQ(out[i].seq, three_frames()[i].seq);
        EXPECT_EQ(out[i].sealed, three_frames()[i].sealed);
    }
}

TEST(replay_pack, only_frames_after_the_given_seq_are_returned) {
    std::string pack;
    pack_frames(three_frames(), pack);
    std::vector<sealed_frame> out;
    ASSERT_TRUE(unpack_frames(pack, 7, out));
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(out[0].seq, 8u);
}

TEST(replay_pack, an_empty_pack_holds_no_frames) {
    std::vector<sealed_frame> out;
    EXPECT_TRUE(unpack_frames("", 0, out));
    EXPECT_TRUE(out.empty());
}

TEST(replay_pack, a_cut_short_pack_is_an_error_naming_the_offset) {
    std::string pack;
    pack_frames(three_frames(), pack);
    for (std::size_t cut : {std::size_t{3}, std::size_t{10}, pack.size() - 1}) {
        std::vector<sealed_frame> out;
        auto r = unpack_frames(std::string_view(pack).substr(0, cut), 0, out);
        ASSERT_FALSE(r) << "cut at " << cut;
        EXPECT_EQ(r.error().code, "replay_corrupt");
        EXPECT_NE(r.error().message.find("at byte"), std::string::npos);
    }
}

TEST(replay_pack, seqs_that_do_not_increase_are_an_error) {
    std::string pack;
    pack_frames({{5, "a"}, {5, "b"}}, pack);
    std::vector<sealed_frame> out;
    auto r = unpack_frames(pack, 0, out);
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("do not increase"), std::string::npos);
}

} // namespace
} // namespace heregoes::store
