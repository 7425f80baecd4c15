#pragma once

// Random nonces for sealing, without a system call per seal. OpenSSL's RAND_bytes checks for a
// fork with getpid(2) on every call, and a turn seals three or four things, so nonces came to
// several system calls per turn on the network thread. Here each thread keeps a pool of bytes from
// getrandom(2), refilled once every few hundred nonces; a fork empties every pool, so a child
// never repeats its parent's nonces.

#include <cstddef>
#include <cstdint>

namespace heregoes::store {

// Fills `out` with `size` bytes (at most nonce_pool_bytes) from the kernel's CSPRNG; false only
// when getrandom(2) fails.
bool fill_nonce(std::uint8_t* out, std::size_t size);

// Bytes fetched per refill of a thread's pool: 341 twelve-byte nonces for one getrandom(2) call,
// and small enough that a thread's pool costs nothing worth counting.
inline constexpr std::size_t nonce_pool_bytes = 4096;

} // namespace heregoes::store
