// Sealing with OpenSSL 3: HKDF-SHA256 (RFC 5869, over EVP_MAC HMAC) derives one AES-256 key per
// purpose from the token's secret bytes; AES-256-GCM (EVP_CIPHER) seals with a random nonce from
// nonce_source.hpp (getrandom(2) through a per-thread pool). The cipher is fetched once per
// process, since an implicit fetch on every seal costs more than the seal itself.

#include "engine/store/sealing.hpp"

#include "engine/store/nonce_source.hpp"
#include "engine/store/token.hpp"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <cstring>
#include <iterator>
#include <memory>
#include <span>

namespace heregoes::store {
namespace {

// Fixed HKDF salt: the token is already uniformly random, so the salt only separates this use of
// the token from any other; a constant is the RFC 5869 recommendation for that case.
constexpr std::string_view hkdf_salt = "heregoes session salt";
constexpr std::string_view hkdf_info_prefix = "heregoes session v1 ";

// SHA-256's output width: HKDF's pseudorandom key and each expand block are this long.
constexpr std::size_t sha256_bytes = 32;

std::string_view purpose_label(seal_purpose purpose) {
    switch (purpose) {
    case seal_purpose::state:
        return "state";
    case seal_purpose::frame:
        return "frame";
    case seal_purpose::transcript:
        return "transcript";
    case seal_purpose::turn_frames:
        return "turn frames";
    }
    return "unknown";
}

struct cipher_ctx_free {
    void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
};
using cipher_ctx_ptr = std::unique_ptr<EVP_CIPHER_CTX, cipher_ctx_free>;

// AES-256-GCM, fetched once; lives for the process (OpenSSL frees providers at exit).
const EVP_CIPHER* aes_256_gcm() {
    static EVP_CIPHER* cipher = EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr);
    return cipher;
}

// Which of the session's keys a purpose seals under. Turn frames share the frame key: a key of
// their own cost every session start and resume one more HKDF expand (about 7k instructions) and
// every live session 32 bytes. Their associated data keeps them apart instead.
std::size_t key_index(seal_purpose purpose) {
    return static_cast<std::size_t>(purpose == seal_purpose::turn_frames ? seal_purpose::frame
                                                                         : purpose);
}

// The associated data bound into every seal: the format version and the session key, and for
// turn frames a byte naming the purpose, so a turn's blob and a frame sealed alone, under the same
// key, cannot open as each other. The other purposes' associated data is as it has always been,
// so what earlier builds sealed still opens.
struct associated_data {
    std::array<std::uint8_t, 2 + sizeof(session_key)> bytes{};
    int size = 0;

    associated_data(const session_key& key, seal_purpose purpose) {
        bytes[0] = seal_format_version;
        std::memcpy(bytes.data() + 1, key.data(), key.size());
        size = 1 + static_cast<int>(key.size());
        if (purpose == seal_purpose::turn_frames) {
            bytes[static_cast<std::size_t>(size++)] = static_cast<std::uint8_t>(purpose);
        }
    }
};

struct mac_ctx_free {
    void operator()(EVP_MAC_CTX* ctx) const { EVP_MAC_CTX_free(ctx); }
};
using mac_ctx_ptr = std::unique_ptr<EVP_MAC_CTX, mac_ctx_free>;

// HMAC, fetched once like the cipher; lives for the process.
EVP_MAC* hmac() {
    static EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    return mac;
}

// A fresh HMAC-SHA256 context with no key yet; freeing it wipes the key state it held.
mac_ctx_ptr new_hmac_sha256() {
    if (hmac() == nullptr) {
        return nullptr;
    }
    mac_ctx_ptr ctx(EVP_MAC_CTX_new(hmac()));
    char digest[] = "SHA256";
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
        OSSL_PARAM_construct_end(),
    };
    if (!ctx || EVP_MAC_CTX_set_params(ctx.get(), params) != 1) {
        return nullptr;
    }
    return ctx;
}

// The HMAC context every derivation on this thread starts from, keyed with the public salt.
// Setting a context's digest fetches SHA-256 by name, and keying it hashes the key into two blocks
// of state; both used to happen for every session. It holds no secret between derivations: it is
// reset to the salt's state after each use. (It is copied rather than made anew for the PRK:
// OpenSSL 3.0 cannot copy an HMAC context that was never keyed.)
struct derivation_contexts {
    mac_ctx_ptr salted = new_hmac_sha256();

    derivation_contexts() {
        if (salted && EVP_MAC_init(salted.get(),
                                   reinterpret_cast<const unsigned char*>(hkdf_salt.data()),
                                   hkdf_salt.size(),
                                   nullptr) != 1) {
            salted.reset();
        }
    }
};

derivation_contexts& thread_derivation_contexts() {
    thread_local derivation_contexts contexts;
    return contexts;
}

// out = HMAC(the key `ctx` already holds, a | b), then `ctx` is reset to that key alone, so the
// state it keeps is the key's, not the message's.
bool hmac_with_set_key(EVP_MAC_CTX* ctx,
                       std::string_view a,
                       std::span<const std::uint8_t> b,
                       std::span<std::uint8_t, sha256_bytes> out) {
    std::size_t length = 0;
    return EVP_MAC_init(ctx, nullptr, 0, nullptr) == 1 &&
           EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(a.data()), a.size()) == 1 &&
           EVP_MAC_update(ctx, b.data(), b.size()) == 1 &&
           EVP_MAC_final(ctx, out.data(), &length, out.size()) == 1 && length == out.size() &&
           EVP_MAC_init(ctx, nullptr, 0, nullptr) == 1;
}

error unsealable(std::string message) {
    return fail("unsealable", std::move(message));
}

} // namespace

expected<session_sealer> session_sealer::derive(std::string_view token) {
    auto secret = parse_token(token);
    if (!secret) {
        return secret.error();
    }
    session_sealer sealer;
    sealer.key_ = hash_token(token);
    // HKDF-SHA256 (RFC 5869) computed step by step: one extract, then one expand per purpose.
    // The keys are the same bytes EVP_KDF "HKDF" gave (sealed data written before still opens).
    // EVP_KDF set up new contexts and fetched SHA-256 and HMAC again for every key (about 24 µs of
    // every session start); now the salt is keyed once per thread and the PRK once per session.
    static_assert(key_bytes == sha256_bytes, "each key is exactly one HKDF expand block");
    std::array<std::uint8_t, sha256_bytes> prk{};
    EVP_MAC_CTX* salted = thread_derivation_contexts().salted.get();
    // Extract: PRK = HMAC(salt, secret).
    bool ok = salted != nullptr && hmac_with_set_key(salted, {}, *secret, prk);
    // Expand to one block per purpose: T(1) = HMAC(PRK, info | 0x01), on a copy keyed with the PRK
    // that is freed, and so wiped, when this scope ends.
    mac_ctx_ptr expand(ok ? EVP_MAC_CTX_dup(salted) : nullptr);
    ok = ok && expand && EVP_MAC_init(expand.get(), prk.data(), prk.size(), nullptr) == 1;
    std::string info;
    constexpr seal_purpose keyed_purposes[] = {
        seal_purpose::state, seal_purpose::frame, seal_purpose::transcript};
    static_assert(std::size(keyed_purposes) == key_count, "every key is derived");
    for (auto purpose : keyed_purposes) {
        info.assign(hkdf_info_prefix);
        info += purpose_label(purpose);
        info += '\x01';
        ok = ok && hmac_with_set_key(expand.get(), info, {}, sealer.keys_[key_index(purpose)]);
    }
    OPENSSL_cleanse(prk.data(), prk.size());
    OPENSSL_cleanse(secret->data(), secret->size());
    if (!ok) {
        return fail("kdf_failed", "deriving the session keys failed inside OpenSSL");
    }
    return sealer;
}

session_sealer::session_sealer(const session_sealer& other)
    : key_(other.key_)
    , keys_(other.keys_) {
}

session_sealer& session_sealer::operator=(const session_sealer& other) {
    key_ = other.key_;
    keys_ = other.keys_;
    return *this;
}

session_sealer::~session_sealer() {
    OPENSSL_cleanse(keys_.data(), sizeof(keys_));
}

expected<std::string> session_sealer::seal(seal_purpose purpose, std::string_view plaintext) const {
    return sealing_pass(*this).seal(purpose, plaintext);
}

sealing_pass::~sealing_pass() {
    for (auto* ctx : contexts_) {
        EVP_CIPHER_CTX_free(ctx); // frees and wipes the key schedule; a null is ignored
    }
}

expected<std::string> sealing_pass::seal(seal_purpose purpose, std::string_view plaintext) {
    if (plaintext.size() > max_sealed_plaintext_bytes) {
        return fail("too_large",
                    "refusing to seal " + std::to_string(plaintext.size()) +
                        " bytes; the limit is " + std::to_string(max_sealed_plaintext_bytes));
    }
    const EVP_CIPHER* cipher = aes_256_gcm();
    if (cipher == nullptr) {
        return fail("seal_failed", "AES-256-GCM is not available from OpenSSL");
    }
    // The first seal of a purpose keys its context; later ones reuse the key and set a new nonce.
    EVP_CIPHER_CTX*& ctx = contexts_[static_cast<std::size_t>(purpose)];
    const bool keyed = ctx != nullptr;
    if (!keyed && (ctx = EVP_CIPHER_CTX_new()) == nullptr) {
        return fail("seal_failed", "AES-256-GCM is not available from OpenSSL");
    }

    std::string out(seal_overhead_bytes + plaintext.size(), '\0');
    auto* bytes = reinterpret_cast<unsigned char*>(out.data());
    bytes[0] = seal_format_version;
    unsigned char* nonce = bytes + 1;
    unsigned char* body = nonce + seal_nonce_bytes;
    unsigned char* tag = body + plaintext.size();
    if (!fill_random(nonce, seal_nonce_bytes)) {
        return fail("csprng_failed", "the random number generator failed while sealing");
    }

    const auto& key = sealer_.keys_[key_index(purpose)];
    const associated_data ad(sealer_.key_, purpose);
    int length = 0;
    bool ok =
        (keyed ? EVP_EncryptInit_ex2(ctx, nullptr, nullptr, nonce, nullptr)
               : EVP_EncryptInit_ex2(ctx, cipher, key.data(), nonce, nullptr)) == 1 &&
        EVP_EncryptUpdate(ctx, nullptr, &length, ad.bytes.data(), ad.size) == 1 &&
        EVP_EncryptUpdate(ctx,
                          body,
                          &length,
                          reinterpret_cast<const unsigned char*>(plaintext.data()),
                          static_cast<int>(plaintext.size())) == 1 &&
        EVP_EncryptFinal_ex(ctx, body + length, &length) == 1 &&
        EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, static_cast<int>(seal_tag_bytes), tag) == 1;
    if (!ok) {
        // A context left half-way through a seal is not reused.
        EVP_CIPHER_CTX_free(ctx);
        ctx = nullptr;
        return fail("seal_failed", "AES-256-GCM sealing failed inside OpenSSL");
    }
    return out;
}

expected<std::string> session_sealer::open(seal_purpose purpose, std::string_view sealed) const {
    if (sealed.size() < seal_overhead_bytes) {
        return unsealable("the sealed data is too short to be anything heregoes wrote");
    }
    if (sealed.size() > seal_overhead_bytes + max_sealed_plaintext_bytes) {
        return unsealable("the sealed data is larger than anything heregoes writes");
    }
    const auto* bytes = reinterpret_cast<const unsigned char*>(sealed.data());
    if (bytes[0] != seal_format_version) {
        return unsealable("the sealed data has format version " + std::to_string(bytes[0]) +
                          "; this build reads version " + std::to_string(seal_format_version));
    }
    const unsigned char* nonce = bytes + 1;
    const unsigned char* body = nonce + seal_nonce_bytes;
    std::size_t body_size = sealed.size() - seal_overhead_bytes;
    const unsigned char* tag = body + body_size;

    const EVP_CIPHER* cipher = aes_256_gcm();
    cipher_ctx_ptr ctx(EVP_CIPHER_CTX_new());
    if (cipher == nullptr || !ctx) {
        return fail("seal_failed", "AES-256-GCM is not available from OpenSSL");
    }
    std::string out(body_size, '\0');
    auto* plain = reinterpret_cast<unsigned char*>(out.data());
    const auto& key = keys_[key_index(purpose)];
    const associated_data ad(key_, purpose);
    int length = 0;
    bool ok =
        EVP_DecryptInit_ex2(ctx.get(), cipher, key.data(), nonce, nullptr) == 1 &&
        EVP_DecryptUpdate(ctx.get(), nullptr, &length, ad.bytes.data(), ad.size) == 1 &&
        EVP_DecryptUpdate(ctx.get(), plain, &length, body, static_cast<int>(body_size)) == 1 &&
        EVP_CIPHER_CTX_ctrl(ctx.get(),
                            EVP_CTRL_GCM_SET_TAG,
                            static_cast<int>(seal_tag_bytes),
                            const_cast<unsigned char*>(tag)) == 1 &&
        EVP_DecryptFinal_ex(ctx.get(), plain + length, &length) == 1;
    if (!ok) {
        OPENSSL_cleanse(out.data(), out.size());
        return unsealable("the sealed data does not belong to this session, or was changed");
    }
    return out;
}

} // namespace heregoes::store
