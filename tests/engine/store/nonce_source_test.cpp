// Tests of the per-thread random pool behind nonces and tokens: nonces do not repeat, across
// refills, across threads, and in a forked child; requests up to the pool's size are served.

#include "engine/store/nonce_source.hpp"
#include "tests/engine/store/forked_child.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <set>
#include <thread>
#include <vector>

namespace heregoes::store {
namespace {

using testing::drawn_in_forked_child;

using nonce = std::array<std::uint8_t, 12>;

nonce next_nonce() {
    nonce n{};
    EXPECT_TRUE(fill_random(n.data(), n.size()));
    return n;
}

TEST(nonce_source, nonces_do_not_repeat_across_several_refills) {
    std::set<nonce> seen;
    const std::size_t count = 4 * nonce_pool_bytes / sizeof(nonce);
    for (std::size_t i = 0; i < count; ++i) {
        EXPECT_TRUE(seen.insert(next_nonce()).second) << "repeated at " << i;
    }
}

TEST(nonce_source, threads_draw_different_nonces) {
    std::vector<nonce> a(200), b(200);
    std::thread ta([&] {
        for (auto& n : a) {
            n = next_nonce();
        }
    });
    std::thread tb([&] {
        for (auto& n : b) {
            n = next_nonce();
        }
    });
    ta.join();
    tb.join();
    std::set<nonce> seen(a.begin(), a.end());
    for (const auto& n : b) {
        EXPECT_TRUE(seen.insert(n).second);
    }
}

TEST(nonce_source, a_forked_child_does_not_repeat_the_parents_next_nonce) {
    next_nonce(); // the pool is now filled in this thread
    const auto from_child =
        drawn_in_forked_child(nonce{}, [](nonce& n) { return fill_random(n.data(), n.size()); });
    ASSERT_TRUE(from_child) << from_child.error().to_string();
    EXPECT_NE(next_nonce(), *from_child);
}

TEST(nonce_source, a_request_as_large_as_the_pool_is_served_after_a_partial_use) {
    next_nonce(); // the pool is part used: this request needs a refill first
    std::vector<std::uint8_t> whole(nonce_pool_bytes);
    EXPECT_TRUE(fill_random(whole.data(), whole.size()));
    EXPECT_NE(std::count(whole.begin(), whole.end(), 0), static_cast<long>(whole.size()));
}

TEST(nonce_source, a_request_larger_than_the_pool_is_refused) {
    std::vector<std::uint8_t> big(nonce_pool_bytes + 1);
    EXPECT_FALSE(fill_random(big.data(), big.size()));
}

} // namespace
} // namespace heregoes::store
