// Tests of session tokens: their length and alphabet, their independence from the nonces drawn
// from the same random pool and from a forked child's tokens, strict parsing, stable hashing, and
// the constant-time comparison used wherever tokens or hashes are compared.

#include "engine/store/nonce_source.hpp"
#include "engine/store/token.hpp"
#include "tests/engine/store/forked_child.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <set>

namespace heregoes::store {
namespace {

using testing::drawn_in_forked_child;

TEST(token, new_tokens_are_43_base64url_characters) {
    auto token = new_token();
    ASSERT_TRUE(token) << token.error().to_string();
    EXPECT_EQ(token->size(), token_chars);
    EXPECT_EQ(token->find_first_not_of(
                  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
              std::string::npos);
}

TEST(token, new_tokens_parse_back_to_32_bytes) {
    auto token = new_token();
    ASSERT_TRUE(token);
    auto secret = parse_token(*token);
    ASSERT_TRUE(secret) << secret.error().to_string();
    EXPECT_EQ(secret->size(), 32u);
}

TEST(token, new_tokens_differ) {
    std::set<std::string> seen;
    for (int i = 0; i < 1000; ++i) {
        auto token = new_token();
        ASSERT_TRUE(token);
        seen.insert(*token);
    }
    EXPECT_EQ(seen.size(), 1000u);
}

TEST(token, new_tokens_carry_bits_in_every_byte_position) {
    // Over 64 tokens, each of the 32 secret bytes takes more than one value: a generator that left
    // any byte fixed (a short read, a truncated copy) fails this.
    std::array<std::set<std::uint8_t>, token_secret_bytes> values;
    for (int i = 0; i < 64; ++i) {
        auto secret = parse_token(*new_token());
        ASSERT_TRUE(secret);
        for (std::size_t b = 0; b < secret->size(); ++b) {
            values[b].insert((*secret)[b]);
        }
    }
    for (std::size_t b = 0; b < values.size(); ++b) {
        EXPECT_GT(values[b].size(), 1u) << "byte " << b;
    }
}

TEST(token, a_token_shares_no_bytes_with_the_nonces_drawn_around_it) {
    // Tokens and nonces come from one per-thread pool; a byte handed out twice would make part of
    // a secret token public in a sealed blob's nonce.
    std::array<std::uint8_t, 12> before{}, after{};
    ASSERT_TRUE(fill_random(before.data(), before.size()));
    auto secret = parse_token(*new_token());
    ASSERT_TRUE(fill_random(after.data(), after.size()));
    ASSERT_TRUE(secret);
    for (const auto& nonce : {before, after}) {
        EXPECT_EQ(std::search(secret->begin(), secret->end(), nonce.begin(), nonce.end()),
                  secret->end());
    }
}

TEST(token, a_forked_child_does_not_repeat_the_parents_next_token) {
    ASSERT_TRUE(new_token()); // this thread's random pool now holds bytes the child inherits
    const auto from_child =
        drawn_in_forked_child(std::string(token_chars, '\0'), [](std::string& out) {
            auto token = new_token();
            if (token) {
                out = *token;
            }
            return token.has_value();
        });
    ASSERT_TRUE(from_child) << from_child.error().to_string();
    EXPECT_NE(*new_token(), *from_child);
}

TEST(token, hash_is_sha256_of_the_token_text) {
    // SHA-256("abc"), the FIPS 180-2 test vector.
    session_key expected_key = {0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40,
                                0xde, 0x5d, 0xae, 0x22, 0x23, 0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17,
                                0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad};
    EXPECT_EQ(hash_token("abc"), expected_key);
}

TEST(token, hash_is_stable_and_distinguishes_tokens) {
    auto a = *new_token();
    auto b = *new_token();
    EXPECT_EQ(hash_token(a), hash_token(a));
    EXPECT_NE(hash_token(a), hash_token(b));
}

TEST(token, parse_rejects_wrong_length) {
    auto token = *new_token();
    EXPECT_EQ(parse_token(token.substr(1)).error().code, "bad_token");
    EXPECT_EQ(parse_token(token + "A").error().code, "bad_token");
    EXPECT_EQ(parse_token("").error().code, "bad_token");
}

TEST(token, parse_rejects_characters_outside_base64url) {
    auto token = *new_token();
    for (char c : {'+', '/', '=', ' ', '\0', '\xff', '.'}) {
        std::string bad = token;
        bad[10] = c;
        auto r = parse_token(bad);
        ASSERT_FALSE(r) << "accepted " << int(c);
        EXPECT_EQ(r.error().code, "bad_token");
    }
}

TEST(token, parse_rejects_a_non_canonical_last_character) {
    // 'A' + 1 sets one of the two unused low bits of the last character.
    std::string token(token_chars, 'A');
    ASSERT_TRUE(parse_token(token));
    token.back() = 'B';
    EXPECT_FALSE(parse_token(token));
}

TEST(token, parse_error_does_not_echo_the_input) {
    std::string garbage = "secret-looking-garbage-secret-looking-gar!";
    auto r = parse_token(garbage);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message.find("secret-looking"), std::string::npos);
}

TEST(token, constant_time_equality_compares_contents_and_lengths) {
    session_key a = hash_token("one");
    session_key b = a;
    EXPECT_TRUE(equal_constant_time(a, b));
    b[31] ^= 1;
    EXPECT_FALSE(equal_constant_time(a, b));
    EXPECT_TRUE(equal_constant_time(std::string_view("token"), std::string_view("token")));
    EXPECT_FALSE(equal_constant_time(std::string_view("token"), std::string_view("tokeN")));
    EXPECT_FALSE(equal_constant_time(std::string_view("token"), std::string_view("token2")));
    EXPECT_TRUE(equal_constant_time(std::string_view(), std::string_view()));
}

} // namespace
} // namespace heregoes::store
