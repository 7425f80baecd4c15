#include "engine/core/expected.hpp"

#include <gtest/gtest.h>

namespace heregoes {
namespace {

expected<int> parse_digit(char c) {
    if (c < '0' || c > '9') {
        return fail("not_a_digit", "expected a digit", "input:1:1");
    }
    return c - '0';
}

TEST(expected, holds_a_value_on_success) {
    auto r = parse_digit('7');
    ASSERT_TRUE(r);
    EXPECT_EQ(*r, 7);
}

TEST(expected, holds_an_error_with_its_place_on_failure) {
    auto r = parse_digit('x');
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, "not_a_digit");
    EXPECT_EQ(r.error().to_string(), "input:1:1: expected a digit");
}

TEST(expected, void_form_reports_success_and_failure) {
    expected<void> ok;
    expected<void> bad = fail("x", "went wrong");
    EXPECT_TRUE(ok);
    EXPECT_FALSE(bad);
    EXPECT_EQ(bad.error().to_string(), "went wrong");
}

} // namespace
} // namespace heregoes
