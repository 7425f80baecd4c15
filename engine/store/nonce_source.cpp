// The per-thread random pool behind fill_random (nonce_source.hpp).

#include "engine/store/nonce_source.hpp"

#include <array>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <mutex>

#include <pthread.h>
#include <string.h>
#include <sys/random.h>

namespace heregoes::store {

namespace {

// Bumped in a forked child, so every thread's pool there counts as empty.
std::atomic<std::uint64_t> fork_generation{0};

void after_fork_in_child() {
    fork_generation.fetch_add(1, std::memory_order_relaxed);
}

struct nonce_pool {
    std::array<std::uint8_t, nonce_pool_bytes> bytes{};
    std::size_t used = nonce_pool_bytes; // starts empty
    std::uint64_t generation = 0;
};

bool refill(nonce_pool& pool) {
    std::size_t filled = 0;
    while (filled < pool.bytes.size()) {
        ssize_t n = ::getrandom(pool.bytes.data() + filled, pool.bytes.size() - filled, 0);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return false;
        }
        filled += static_cast<std::size_t>(n);
    }
    pool.used = 0;
    return true;
}

} // namespace

bool fill_random(std::uint8_t* out, std::size_t size) {
    static std::once_flag registered;
    std::call_once(registered, [] { pthread_atfork(nullptr, nullptr, after_fork_in_child); });
    thread_local nonce_pool pool;
    if (size > nonce_pool_bytes) {
        return false;
    }
    const std::uint64_t generation = fork_generation.load(std::memory_order_relaxed);
    if (pool.generation != generation) {
        pool.used = nonce_pool_bytes;
        pool.generation = generation;
    }
    if (nonce_pool_bytes - pool.used < size && !refill(pool)) {
        return false;
    }
    std::uint8_t* const taken = pool.bytes.data() + pool.used;
    std::memcpy(out, taken, size);
    // A token is a secret: its bytes must not stay readable in the pool after it is made.
    ::explicit_bzero(taken, size);
    pool.used += size;
    return true;
}

} // namespace heregoes::store
