// Tests for the dialogs' deployment values: practice settings pass through, and what the chat
// says about storage always follows the store settings.

#include "engine/server/deployment_values.hpp"

#include <gtest/gtest.h>

namespace heregoes::server {
namespace {

TEST(deployment_values, practice_settings_reach_the_dialogs) {
    server_config config;
    config.practice["practice_name"] = "Riverside Counselling";
    config.practice["chat_is_read"] = "yes";
    const auto options = deployment_values(config);
    ASSERT_TRUE(options) << options.error().to_string();
    EXPECT_EQ(options->deployment.at("practice_name"), "Riverside Counselling");
    EXPECT_EQ(options->deployment.at("chat_is_read"), "yes");
}

TEST(deployment_values, storage_statements_follow_the_default_store_settings) {
    const auto options = deployment_values(server_config{});
    ASSERT_TRUE(options);
    EXPECT_EQ(options->deployment.at("transcripts_kept"), "no");
    EXPECT_EQ(options->deployment.at("retention_days"), "30");
}

TEST(deployment_values, storage_statements_follow_opted_in_transcripts) {
    server_config config;
    config.transcripts = true;
    config.transcript_retention_days = 14;
    const auto options = deployment_values(config);
    ASSERT_TRUE(options);
    EXPECT_EQ(options->deployment.at("transcripts_kept"), "yes");
    EXPECT_EQ(options->deployment.at("retention_days"), "14");
}

TEST(deployment_values, a_practice_cannot_state_storage_by_hand) {
    server_config config;
    config.practice["transcripts_kept"] = "no";
    config.transcripts = true;
    const auto options = deployment_values(config);
    ASSERT_FALSE(options);
    EXPECT_EQ(options.error().code, "practice_states_storage");
    EXPECT_EQ(options.error().where, "practice.transcripts_kept");
}

} // namespace
} // namespace heregoes::server
