#pragma once

// Random bytes for sealing nonces and session tokens, without a system call each. OpenSSL's
// RAND_bytes checks for a fork with getpid(2) on every call, and a turn seals three or four things,
// so nonces came to several system calls per turn on the network thread; a token cost one
// getrandom(2) per new session. Here each thread keeps a pool of bytes from getrandom(2), refilled
// once every few hundred requests. Every byte is handed out once and wiped from the pool as it
// goes, so a token's bytes are never also a nonce and do not linger in the pool; a fork empties
// every pool, so a child never repeats its parent's bytes.

#include <cstddef>
#include <cstdint>

namespace heregoes::store {

// Fills `out` with `size` bytes (at most nonce_pool_bytes) from the kernel's CSPRNG, each byte
// never handed out before; false only when getrandom(2) fails (errno says why).
bool fill_random(std::uint8_t* out, std::size_t size);

// Bytes fetched per refill of a thread's pool: 341 twelve-byte nonces, or about 50 new sessions
// (a token and its first turn's nonces), for one getrandom(2) call, and small enough that a
// thread's pool costs nothing worth counting.
inline constexpr std::size_t nonce_pool_bytes = 4096;

} // namespace heregoes::store
