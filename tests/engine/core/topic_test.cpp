#include "engine/core/topic.hpp"

#include <gtest/gtest.h>

namespace heregoes {
namespace {

TEST(topic, every_topic_round_trips_through_its_name) {
    for (std::size_t i = 0; i < topic_count; ++i) {
        const auto t = static_cast<topic>(i);
        const auto parsed = topic_from_string(to_string(t));
        ASSERT_TRUE(parsed.has_value()) << to_string(t);
        EXPECT_EQ(*parsed, t);
    }
}

TEST(topic, unknown_name_is_rejected) {
    EXPECT_FALSE(topic_from_string("therapy").has_value());
    EXPECT_FALSE(topic_from_string("").has_value());
    EXPECT_FALSE(topic_from_string("Welcome").has_value());
}

} // namespace
} // namespace heregoes
