// Session tokens: generation from the kernel's CSPRNG (through the per-thread pool of
// nonce_source.hpp, so a new session costs no getrandom(2) call of its own), strict base64url
// parsing, SHA-256 hashing and constant-time comparison. Parsing is strict (exact length,
// alphabet, zero trailing bits) so that each secret has exactly one spelling, and therefore exactly
// one hash to file the session under.

#include "engine/store/token.hpp"

#include "engine/store/nonce_source.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace heregoes::store {
namespace {

constexpr char base64url_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// The 6-bit value of a base64url character, or -1 for any other byte.
int base64url_value(char c) {
    if (c >= 'A' && c <= 'Z') {
        return c - 'A';
    }
    if (c >= 'a' && c <= 'z') {
        return c - 'a' + 26;
    }
    if (c >= '0' && c <= '9') {
        return c - '0' + 52;
    }
    if (c == '-') {
        return 62;
    }
    if (c == '_') {
        return 63;
    }
    return -1;
}

std::string encode_base64url(const token_secret& bytes) {
    std::string out;
    out.reserve(token_chars);
    std::uint32_t acc = 0;
    int bits = 0;
    for (std::uint8_t b : bytes) {
        acc = (acc << 8) | b;
        bits += 8;
        while (bits >= 6) {
            bits -= 6;
            out.push_back(base64url_alphabet[(acc >> bits) & 0x3f]);
        }
    }
    if (bits > 0) {
        out.push_back(base64url_alphabet[(acc << (6 - bits)) & 0x3f]);
    }
    return out;
}

error bad_token(std::string message) {
    return fail("bad_token", std::move(message));
}

} // namespace

expected<std::string> new_token() {
    token_secret secret{};
    if (!fill_random(secret.data(), secret.size())) {
        return fail("csprng_failed",
                    std::string("the system random number generator failed: ") +
                        std::strerror(errno));
    }
    std::string token = encode_base64url(secret);
    OPENSSL_cleanse(secret.data(), secret.size());
    return token;
}

expected<token_secret> parse_token(std::string_view token) {
    if (token.size() != token_chars) {
        return bad_token("a session token is " + std::to_string(token_chars) +
                         " characters; this one is " + std::to_string(token.size()));
    }
    token_secret secret{};
    std::uint32_t acc = 0;
    int bits = 0;
    std::size_t out = 0;
    for (char c : token) {
        int v = base64url_value(c);
        if (v < 0) {
            return bad_token("a session token uses only the characters A-Z, a-z, 0-9, '-' and '_'");
        }
        acc = (acc << 6) | static_cast<std::uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            secret[out++] = static_cast<std::uint8_t>((acc >> bits) & 0xff);
        }
    }
    // 43 characters carry 258 bits for 256 bits of secret: the two left over must be zero, or two
    // spellings would name one secret.
    if ((acc & ((1u << bits) - 1)) != 0) {
        return bad_token("this session token was not made by heregoes (its last character is off)");
    }
    return secret;
}

session_key hash_token(std::string_view token) {
    // Fetched once and kept for the process: EVP_sha256() makes OpenSSL 3 look the digest up
    // again on every call, which was five times the cost of the hash itself.
    static EVP_MD* sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    session_key key{};
    unsigned int length = 0;
    // EVP_Digest with SHA-256 only fails on allocation failure inside OpenSSL, which is
    // exceptional.
    if (sha256 == nullptr ||
        EVP_Digest(token.data(), token.size(), key.data(), &length, sha256, nullptr) != 1 ||
        length != key.size()) {
        throw std::runtime_error("SHA-256 failed inside OpenSSL");
    }
    return key;
}

bool equal_constant_time(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) {
    // The lengths are public (every token and hash has a fixed size); only contents are secret.
    if (a.size() != b.size()) {
        return false;
    }
    return a.empty() || CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

bool equal_constant_time(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) {
        return false;
    }
    return a.empty() || CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

} // namespace heregoes::store
