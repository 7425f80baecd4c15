// Tests of the replay pack format and of opening kept replay: records come back as packed and
// filtered by seq; a turn's blob and frames sealed one by one (rows of older builds) both open to
// the frames as sent; damage, tampering and a swapped form are errors that say what they are.

#include "engine/store/replay_pack.hpp"
#include "engine/store/token.hpp"
#include "tests/engine/store/sealed_turns.hpp"

#include <gtest/gtest.h>

namespace heregoes::store {
namespace {

using namespace heregoes::store::testing;

std::vector<frame_record> three_frames() {
    return {{7, "first"}, {8, std::string("with\0zero", 9)}, {9, ""}};
}

TEST(replay_pack, frames_come_back_as_they_were_packed) {
    std::string pack;
    pack_frames(three_frames(), pack);
    std::vector<frame_record> out;
    ASSERT_TRUE(unpack_frames(pack, 0, out));
    ASSERT_EQ(out.size(), 3u);
    for (std::size_t i = 0; i < out.size(); ++i) {
        EXPECT_EQ(out[i].seq, three_frames()[i].seq);
        EXPECT_EQ(out[i].bytes, three_frames()[i].bytes);
    }
}

TEST(replay_pack, records_appended_one_by_one_make_the_same_pack) {
    std::string packed;
    pack_frames(three_frames(), packed);
    std::string appended;
    for (const auto& r : three_frames()) {
        append_record(appended, r.seq, r.bytes);
    }
    EXPECT_EQ(appended, packed);
}

TEST(replay_pack, only_frames_after_the_given_seq_are_returned) {
    std::string pack;
    pack_frames(three_frames(), pack);
    std::vector<frame_record> out;
    ASSERT_TRUE(unpack_frames(pack, 7, out));
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(out[0].seq, 8u);
}

TEST(replay_pack, an_empty_pack_holds_no_frames) {
    std::vector<frame_record> out;
    EXPECT_TRUE(unpack_frames("", 0, out));
    EXPECT_TRUE(out.empty());
}

TEST(replay_pack, a_cut_short_pack_is_an_error_naming_the_offset) {
    std::string pack;
    pack_frames(three_frames(), pack);
    for (std::size_t cut : {std::size_t{3}, std::size_t{10}, pack.size() - 1}) {
        std::vector<frame_record> out;
        auto r = unpack_frames(std::string_view(pack).substr(0, cut), 0, out);
        ASSERT_FALSE(r) << "cut at " << cut;
        EXPECT_EQ(r.error().code, "replay_corrupt");
        EXPECT_NE(r.error().message.find("at byte"), std::string::npos);
    }
}

TEST(replay_pack, seqs_that_do_not_increase_are_an_error) {
    std::string pack;
    pack_frames({{5, "a"}, {5, "b"}}, pack);
    std::vector<frame_record> out;
    auto r = unpack_frames(pack, 0, out);
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("do not increase"), std::string::npos);
}

// --- Opening kept replay -------------------------------------------------------------------------

class replay_opening : public ::testing::Test {
protected:
    session_sealer sealer_ = *session_sealer::derive(*new_token());

    // A turn of frames 4, 5 and 6 as the stores return it.
    sealed_replay turn_4_to_6() {
        auto turn = sealed_turn(sealer_, 4, {"four", std::string("fi\0ve", 5), "six"});
        return sealed_replay{replay_form::turn, turn.last_seq, std::move(turn.sealed)};
    }
    // Frame `seq` sealed alone, as rows written before schema 4 hold it.
    sealed_replay one_frame(std::uint32_t seq, const std::string& text) {
        return sealed_replay{replay_form::frame, seq, *sealer_.seal(seal_purpose::frame, text)};
    }
    expected<void> open(const kept_replay& kept, std::vector<std::string>& out) {
        return open_replay(sealer_, kept, out);
    }
};

TEST_F(replay_opening, a_turn_opens_to_its_frames_byte_for_byte) {
    kept_replay kept{0, {turn_4_to_6()}};
    EXPECT_EQ(opened(sealer_, kept),
              (std::vector<std::string>{"four", std::string("fi\0ve", 5), "six"}));
}

TEST_F(replay_opening, frames_at_or_before_after_are_left_out_of_a_turn) {
    kept_replay kept{5, {turn_4_to_6()}};
    EXPECT_EQ(opened(sealer_, kept), (std::vector<std::string>{"six"}));
}

TEST_F(replay_opening, frames_sealed_one_by_one_open_before_later_turns) {
    kept_replay kept{1, {one_frame(1, "one"), one_frame(2, "two"), one_frame(3, "three")}};
    kept.sealed.push_back(turn_4_to_6());
    EXPECT_EQ(opened(sealer_, kept),
              (std::vector<std::string>{"two", "three", "four", std::string("fi\0ve", 5), "six"}));
}

TEST_F(replay_opening, what_is_found_is_appended_after_what_out_holds) {
    std::vector<std::string> out{"session frame"};
    ASSERT_TRUE(open(kept_replay{5, {turn_4_to_6()}}, out));
    EXPECT_EQ(out, (std::vector<std::string>{"session frame", "six"}));
}

TEST_F(replay_opening, a_changed_blob_is_unsealable) {
    auto turn = turn_4_to_6();
    turn.sealed[turn.sealed.size() / 2] ^= 0x01;
    std::vector<std::string> out;
    auto r = open(kept_replay{0, {turn}}, out);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, "unsealable");
    EXPECT_NE(r.error().message.find("frame 6"), std::string::npos) << r.error().message;
    EXPECT_TRUE(out.empty());
}

TEST_F(replay_opening, another_sessions_turn_is_unsealable) {
    const auto other = *session_sealer::derive(*new_token());
    auto turn = sealed_turn(other, 1, {"not yours"});
    std::vector<std::string> out;
    auto r = open(kept_replay{0, {{replay_form::turn, 1, turn.sealed}}}, out);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, "unsealable");
}

// The form is told by the row, and each form has its own key: a row whose form was changed does
// not open as the other.
TEST_F(replay_opening, a_swapped_form_is_unsealable_either_way) {
    auto turn = turn_4_to_6();
    turn.form = replay_form::frame;
    auto frame = one_frame(3, "three");
    frame.form = replay_form::turn;
    for (const auto& piece : {turn, frame}) {
        std::vector<std::string> out;
        auto r = open(kept_replay{0, {piece}}, out);
        ASSERT_FALSE(r);
        EXPECT_EQ(r.error().code, "unsealable");
    }
}

TEST_F(replay_opening, a_turn_sealed_around_a_damaged_pack_is_corrupt_at_its_offset) {
    std::string pack;
    append_record(pack, 4, "four");
    append_record(pack, 5, "five");
    pack.resize(pack.size() - 2);
    const sealed_replay piece{replay_form::turn, 5, *sealer_.seal(seal_purpose::turn_frames, pack)};
    std::vector<std::string> out;
    auto r = open(kept_replay{0, {piece}}, out);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, "replay_corrupt");
    EXPECT_NE(r.error().message.find("at byte 12"), std::string::npos) << r.error().message;
}

TEST_F(replay_opening, a_turn_whose_row_names_another_last_frame_is_corrupt) {
    auto turn = turn_4_to_6();
    turn.last_seq = 9;
    std::vector<std::string> out;
    auto r = open(kept_replay{0, {turn}}, out);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, "replay_corrupt");
}

TEST_F(replay_opening, a_turn_holding_no_frames_is_corrupt) {
    const sealed_replay piece{replay_form::turn, 1, *sealer_.seal(seal_purpose::turn_frames, "")};
    std::vector<std::string> out;
    auto r = open(kept_replay{0, {piece}}, out);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, "replay_corrupt");
}

// Every cut of a sealed turn is refused as unsealable; none crashes or opens.
TEST_F(replay_opening, every_cut_of_a_sealed_turn_is_unsealable) {
    const auto turn = turn_4_to_6();
    for (std::size_t cut = 0; cut < turn.sealed.size(); ++cut) {
        std::vector<std::string> out;
        auto r = open(kept_replay{0, {{replay_form::turn, 6, turn.sealed.substr(0, cut)}}}, out);
        ASSERT_FALSE(r) << "cut at " << cut;
        EXPECT_EQ(r.error().code, "unsealable");
    }
}

} // namespace
} // namespace heregoes::store
