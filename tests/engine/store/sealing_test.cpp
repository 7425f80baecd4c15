// Tests of sealing: what is sealed opens again with the same token, and anything else (a changed
// byte, a cut blob, another token, another session's key, another purpose, garbage) is refused.

#include "engine/store/sealing.hpp"
#include "engine/store/token.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <thread>
#include <utility>

namespace heregoes::store {
namespace {

session_sealer sealer_for(const std::string& token) {
    auto sealer = session_sealer::derive(token);
    EXPECT_TRUE(sealer) << sealer.error().to_string();
    return *sealer;
}

class sealing : public ::testing::Test {
protected:
    std::string token_ = *new_token();
    session_sealer sealer_ = sealer_for(token_);
    std::string plaintext_ = "My name is Ana and I want to say: here goes";
};

TEST_F(sealing, sealed_bytes_open_to_the_plaintext) {
    auto sealed = sealer_.seal(seal_purpose::state, plaintext_);
    ASSERT_TRUE(sealed);
    auto opened = sealer_.open(seal_purpose::state, *sealed);
    ASSERT_TRUE(opened) << opened.error().to_string();
    EXPECT_EQ(*opened, plaintext_);
}

TEST_F(sealing, a_new_sealer_from_the_same_token_opens_it) {
    auto sealed = sealer_.seal(seal_purpose::frame, plaintext_);
    auto opened = sealer_for(token_).open(seal_purpose::frame, *sealed);
    ASSERT_TRUE(opened);
    EXPECT_EQ(*opened, plaintext_);
}

TEST_F(sealing, empty_plaintext_round_trips) {
    auto sealed = sealer_.seal(seal_purpose::state, "");
    ASSERT_TRUE(sealed);
    EXPECT_EQ(sealed->size(), seal_overhead_bytes);
    auto opened = sealer_.open(seal_purpose::state, *sealed);
    ASSERT_TRUE(opened);
    EXPECT_EQ(*opened, "");
}

TEST_F(sealing, layout_is_version_nonce_ciphertext_tag) {
    auto sealed = *sealer_.seal(seal_purpose::state, plaintext_);
    EXPECT_EQ(sealed.size(), plaintext_.size() + seal_overhead_bytes);
    EXPECT_EQ(static_cast<std::uint8_t>(sealed[0]), seal_format_version);
    EXPECT_EQ(sealed.find(plaintext_), std::string::npos);
}

TEST_F(sealing, each_seal_uses_a_fresh_nonce) {
    auto a = *sealer_.seal(seal_purpose::state, plaintext_);
    auto b = *sealer_.seal(seal_purpose::state, plaintext_);
    EXPECT_NE(a.substr(1, seal_nonce_bytes), b.substr(1, seal_nonce_bytes));
    EXPECT_NE(a, b);
}

TEST_F(sealing, any_changed_byte_is_detected) {
    auto sealed = *sealer_.seal(seal_purpose::state, plaintext_);
    for (std::size_t i = 0; i < sealed.size(); ++i) {
        std::string tampered = sealed;
        tampered[i] = static_cast<char>(tampered[i] ^ 0x01);
        auto opened = sealer_.open(seal_purpose::state, tampered);
        ASSERT_FALSE(opened) << "byte " << i;
        EXPECT_EQ(opened.error().code, "unsealable");
    }
}

TEST_F(sealing, truncation_is_detected) {
    auto sealed = *sealer_.seal(seal_purpose::state, plaintext_);
    for (std::size_t n = 0; n < sealed.size(); ++n) {
        EXPECT_FALSE(sealer_.open(seal_purpose::state, sealed.substr(0, n))) << n;
    }
}

TEST_F(sealing, another_token_cannot_open_it) {
    auto sealed = *sealer_.seal(seal_purpose::state, plaintext_);
    auto other = sealer_for(*new_token());
    auto opened = other.open(seal_purpose::state, sealed);
    ASSERT_FALSE(opened);
    EXPECT_EQ(opened.error().code, "unsealable");
}

TEST_F(sealing, another_purpose_cannot_open_it) {
    auto sealed = *sealer_.seal(seal_purpose::frame, plaintext_);
    EXPECT_FALSE(sealer_.open(seal_purpose::state, sealed));
    EXPECT_FALSE(sealer_.open(seal_purpose::transcript, sealed));
}

// The session key is associated data: the same secret filed under another session's key (a blob
// moved between rows of the store) does not open. Two tokens that differ only in a non-secret way
// cannot exist (parsing is canonical), so this flips the key inside a copy of the sealer.
TEST_F(sealing, blob_moved_to_another_session_is_rejected) {
    auto sealed = *sealer_.seal(seal_purpose::state, plaintext_);
    auto moved = sealer_;
    const_cast<session_key&>(moved.key())[0] ^= 0x80; // same keys, another session's AD
    auto opened = moved.open(seal_purpose::state, sealed);
    ASSERT_FALSE(opened);
    EXPECT_EQ(opened.error().code, "unsealable");
}

TEST_F(sealing, garbage_never_opens_and_never_crashes) {
    std::mt19937 random(12345);
    for (int i = 0; i < 2000; ++i) {
        std::string garbage(random() % 200, '\0');
        for (auto& c : garbage) {
            c = static_cast<char>(random());
        }
        if (!garbage.empty() && i % 2 == 0) {
            garbage[0] = static_cast<char>(seal_format_version); // get past the version check
        }
        EXPECT_FALSE(sealer_.open(seal_purpose::state, garbage));
    }
}

TEST_F(sealing, unknown_format_version_is_reported) {
    auto sealed = *sealer_.seal(seal_purpose::state, plaintext_);
    sealed[0] = 9;
    auto opened = sealer_.open(seal_purpose::state, sealed);
    ASSERT_FALSE(opened);
    EXPECT_NE(opened.error().message.find("version 9"), std::string::npos);
}

TEST_F(sealing, oversized_plaintext_is_refused) {
    std::string big(max_sealed_plaintext_bytes + 1, 'x');
    auto sealed = sealer_.seal(seal_purpose::state, big);
    ASSERT_FALSE(sealed);
    EXPECT_EQ(sealed.error().code, "too_large");
}

TEST_F(sealing, a_pass_seals_what_the_sealer_opens_across_purposes) {
    sealing_pass pass(sealer_);
    // Interleaved purposes and sizes, as a turn seals them: each context is keyed once and reused.
    const std::pair<seal_purpose, std::string> blobs[] = {
        {seal_purpose::state, "state one"},
        {seal_purpose::frame, plaintext_},
        {seal_purpose::frame, std::string(3000, 'x')},
        {seal_purpose::transcript, "a line"},
        {seal_purpose::frame, ""},
        {seal_purpose::turn_frames, "a turn's frames"},
        {seal_purpose::state, "state two"},
    };
    for (const auto& [purpose, text] : blobs) {
        auto sealed = pass.seal(purpose, text);
        ASSERT_TRUE(sealed) << sealed.error().to_string();
        auto opened = sealer_.open(purpose, *sealed);
        ASSERT_TRUE(opened) << opened.error().to_string();
        EXPECT_EQ(*opened, text);
    }
}

TEST_F(sealing, a_pass_uses_a_fresh_nonce_for_each_seal) {
    sealing_pass pass(sealer_);
    auto a = pass.seal(seal_purpose::frame, plaintext_);
    auto b = pass.seal(seal_purpose::frame, plaintext_);
    ASSERT_TRUE(a && b);
    EXPECT_NE(a->substr(1, seal_nonce_bytes), b->substr(1, seal_nonce_bytes));
    EXPECT_NE(*a, *b);
}

TEST_F(sealing, a_pass_keeps_purposes_apart) {
    sealing_pass pass(sealer_);
    auto frame = pass.seal(seal_purpose::frame, plaintext_);
    ASSERT_TRUE(frame);
    EXPECT_FALSE(sealer_.open(seal_purpose::state, *frame));
    EXPECT_FALSE(sealer_.open(seal_purpose::transcript, *frame));
    EXPECT_FALSE(sealer_.open(seal_purpose::turn_frames, *frame));
    auto turn = pass.seal(seal_purpose::turn_frames, plaintext_);
    ASSERT_TRUE(turn);
    EXPECT_FALSE(sealer_.open(seal_purpose::frame, *turn));
}

TEST_F(sealing, a_pass_refuses_oversized_plaintext_and_keeps_working) {
    sealing_pass pass(sealer_);
    auto refused = pass.seal(seal_purpose::frame, std::string(max_sealed_plaintext_bytes + 1, 'a'));
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, "too_large");
    auto sealed = pass.seal(seal_purpose::frame, plaintext_);
    ASSERT_TRUE(sealed);
    EXPECT_EQ(*sealer_.open(seal_purpose::frame, *sealed), plaintext_);
}

TEST(sealing_derive, malformed_token_is_bad_token) {
    auto sealer = session_sealer::derive("not a token");
    ASSERT_FALSE(sealer);
    EXPECT_EQ(sealer.error().code, "bad_token");
}

TEST(sealing_derive, key_is_the_hash_of_the_token) {
    auto token = *new_token();
    EXPECT_EQ(sealer_for(token).key(), hash_token(token));
}

// Blobs sealed by the build that derived keys with EVP_KDF "HKDF", for the token whose secret is
// the bytes 0x00..0x1f: they must open forever, or every stored session would be lost on upgrade.
TEST(sealing_derive, blobs_sealed_by_earlier_builds_still_open) {
    const std::string token = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8";
    const std::string state(
        "\x01\x9d\x6f\xd2\x92\xdc\xc0\x23\x6f\x54\x67\x48\xe0\x81\xc9\x7d\xbc\x49\xc8"
        "\x58\x40\x71\x99\x57\xaf\x12\xf0\x65\xa4\xc4\xee\x38\xf2\xf3\x9d\xec\x6e\x59",
        38);
    const std::string frame(
        "\x01\x19\x8e\x80\x3d\xd5\xe7\x39\x52\x32\xdc\x1b\xb2\xd5\xc3\x24\x03\xa9\x0a"
        "\x51\x9a\x0f\x7b\x1f\x4e\xce\x90\xd8\xdb\xbb\x3e\x68\x42\xeb\xeb\x1a\xa4\x50",
        38);
    const std::string transcript(
        "\x01\x2f\x4e\xb8\x8c\x55\x22\xe3\x34\x17\x4c\x8d\x76\xd8\x4a\x8f\x87\x25\x01"
        "\xb7\xe8\x91\x3a\xab\x2d\xd3\x89\x84\x2f\x88\x8f\xd1\x9f\x80\xd1\xd7\xd3\xbb",
        38);
    const auto sealer = sealer_for(token);
    const std::pair<seal_purpose, const std::string*> blobs[] = {
        {seal_purpose::state, &state},
        {seal_purpose::frame, &frame},
        {seal_purpose::transcript, &transcript},
    };
    for (const auto& [purpose, blob] : blobs) {
        auto opened = sealer.open(purpose, *blob);
        ASSERT_TRUE(opened) << opened.error().to_string();
        EXPECT_EQ(*opened, "here goes");
    }
}

// Each thread keeps its own salt-keyed HMAC context for deriving keys; a sealer derived on one
// thread, after other derivations there, must hold the same keys as one derived on another.
TEST(sealing_derive, keys_derived_on_another_thread_open_the_same_blobs) {
    const auto token = *new_token();
    const auto sealed = *sealer_for(token).seal(seal_purpose::frame, "here goes");
    std::string opened;
    std::thread other([&] {
        for (int i = 0; i < 3; ++i) {
            (void)sealer_for(*new_token()); // other sessions derived first on this thread
        }
        auto result = sealer_for(token).open(seal_purpose::frame, sealed);
        opened = result ? *result : result.error().to_string();
    });
    other.join();
    EXPECT_EQ(opened, "here goes");
}

} // namespace
} // namespace heregoes::store
