// The failing SQLite allocator (see the header): SQLite's own allocator behind a countdown.

#include "tests/engine/store/failing_allocator.hpp"

#include <sqlite3.h>

#include <atomic>

namespace heregoes::store::testing {
namespace {

sqlite3_mem_methods system_methods{};

// -1: nothing armed; n >= 0: n more allocations succeed, the one after fails.
std::atomic<long> allocations_left{-1};
std::atomic<bool> failed{false};

// Counts an allocation and says whether it is the one to fail.
bool take_failure() {
    long left = allocations_left.load();
    for (;;) {
        if (left < 0) {
            return false;
        }
        if (allocations_left.compare_exchange_weak(left, left - 1)) {
            if (left == 0) {
                failed = true;
                return true;
            }
            return false;
        }
    }
}

void* x_malloc(int size) {
    return take_failure() ? nullptr : system_methods.xMalloc(size);
}

void x_free(void* p) {
    system_methods.xFree(p);
}

void* x_realloc(void* p, int size) {
    return take_failure() ? nullptr : system_methods.xRealloc(p, size);
}

int x_size(void* p) {
    return system_methods.xSize(p);
}

int x_roundup(int size) {
    return system_methods.xRoundup(size);
}

int x_init(void* app) {
    return system_methods.xInit(app);
}

void x_shutdown(void* app) {
    system_methods.xShutdown(app);
}

} // namespace

bool install_failing_allocator() {
    // Initialising first makes SQLite pick its own allocator, which is then the one wrapped.
    if (sqlite3_initialize() != SQLITE_OK || sqlite3_shutdown() != SQLITE_OK ||
        sqlite3_config(SQLITE_CONFIG_GETMALLOC, &system_methods) != SQLITE_OK ||
        system_methods.xMalloc == nullptr) {
        return false;
    }
    sqlite3_mem_methods failing{x_malloc,
                                x_free,
                                x_realloc,
                                x_size,
                                x_roundup,
                                x_init,
                                x_shutdown,
                                system_methods.pAppData};
    return sqlite3_config(SQLITE_CONFIG_MALLOC, &failing) == SQLITE_OK &&
           sqlite3_initialize() == SQLITE_OK;
}

void fail_allocation_after(long allocations) {
    failed = false;
    allocations_left = allocations;
}

bool allocation_failed_and_disarm() {
    allocations_left = -1;
    return failed.load();
}

} // namespace heregoes::store::testing
