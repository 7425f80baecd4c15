#pragma once

// Sealing: authenticated encryption of everything a session stores (its encoded state, the bot
// frames kept for replay, opted-in transcripts) with keys only the token holder can derive. Keys
// come from HKDF-SHA256 over the token's secret bytes, one per purpose (info "heregoes session v1
// <purpose>"), and seal with AES-256-GCM under a fresh random 96-bit nonce. A sealed blob is
//     version (1 byte) | nonce (12) | ciphertext | tag (16)
// with the version byte and the session key as associated data, so a blob moved to another session,
// or to another purpose, fails to open. Turn frames are the one purpose without a key of its own:
// they seal under the frame key with a purpose byte added to the associated data, which keeps the
// two apart just as well and spares every session start and resume a fourth key derivation. The
// server derives a `session_sealer` once per session.

#include "engine/core/expected.hpp"
#include "engine/store/session_store.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

struct evp_cipher_ctx_st; // OpenSSL's EVP_CIPHER_CTX

namespace heregoes::store {

// What a sealed blob holds; each purpose has its own key (or, for turn frames, its own associated
// data), so blobs of one cannot pass for another. turn_frames' value is sealed into its blobs:
// add purposes at the end, never renumber.
enum class seal_purpose : std::uint8_t {
    state,       // the encoded session
    frame,       // a bot message kept for replay on its own (rows written before turns were
                 // sealed whole; now only opened)
    transcript,  // a line of an opted-in transcript
    turn_frames, // a turn's bot messages kept for replay, packed together (replay_pack.hpp)
};

// The format version written as the first byte; bump it with any change to the layout or KDF.
inline constexpr std::uint8_t seal_format_version = 1;

// GCM's standard nonce width; random nonces of this size are safe for far more seals than one
// session ever makes (the NIST bound is 2^32 per key).
inline constexpr std::size_t seal_nonce_bytes = 12;

// The full 128-bit GCM tag; shorter tags weaken forgery resistance for no gain here.
inline constexpr std::size_t seal_tag_bytes = 16;

// Bytes a seal adds to its plaintext.
inline constexpr std::size_t seal_overhead_bytes = 1 + seal_nonce_bytes + seal_tag_bytes;

// The largest plaintext sealed or opened: a session state or frame is a few KiB; anything near this
// is a bug or garbage, and refusing it bounds the memory one call can take.
inline constexpr std::size_t max_sealed_plaintext_bytes = 1024 * 1024;

// The keys of one session. Holds secrets: they are wiped when the object goes away.
// Seal and open are const and keep no state, so one sealer may be used from several threads.
class session_sealer {
public:
    // Derives the keys of the session the token belongs to; "bad_token" when the token is
    // malformed.
    static expected<session_sealer> derive(std::string_view token);

    session_sealer(const session_sealer& other);
    session_sealer& operator=(const session_sealer& other);
    ~session_sealer();

    // The key the session is filed under (SHA-256 of the token), bound into every seal.
    const session_key& key() const noexcept { return key_; }

    // Encrypts and authenticates `plaintext` for `purpose`; an error only when the CSPRNG or the
    // cipher fails, or the plaintext exceeds max_sealed_plaintext_bytes.
    expected<std::string> seal(seal_purpose purpose, std::string_view plaintext) const;

    // Checks and decrypts a blob made by `seal` of this session and purpose. Tampering, truncation,
    // a wrong session or purpose and plain garbage all give error "unsealable", never a crash.
    expected<std::string> open(seal_purpose purpose, std::string_view sealed) const;

    static constexpr std::size_t purpose_count = 4;

private:
    friend class sealing_pass;
    static constexpr std::size_t key_bytes = 32; // AES-256
    static constexpr std::size_t key_count = 3;  // turn frames share the frame key

    session_sealer() = default;

    session_key key_{};
    std::array<std::array<std::uint8_t, key_bytes>, key_count> keys_{};
};

// Seals several blobs of one session in a row: a turn's state, its frames and any transcript lines.
// A fresh seal sets up the AES key schedule and the GHASH table every time, which cost about as
// much as sealing a frame; a pass sets them up once per purpose, on first use, and then only
// changes the nonce. Keep one for the span of a turn and on one thread: its contexts hold the
// expanded keys, and they are wiped when it goes away.
class sealing_pass {
public:
    // `sealer` must outlive the pass.
    explicit sealing_pass(const session_sealer& sealer) noexcept
        : sealer_(sealer) {}
    sealing_pass(const sealing_pass&) = delete;
    sealing_pass& operator=(const sealing_pass&) = delete;
    ~sealing_pass();

    // Exactly session_sealer::seal: same format, same errors, a fresh random nonce every time.
    expected<std::string> seal(seal_purpose purpose, std::string_view plaintext);

private:
    const session_sealer& sealer_;
    std::array<evp_cipher_ctx_st*, session_sealer::purpose_count> contexts_{};
};

} // namespace heregoes::store
