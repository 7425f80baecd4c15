// Tests for the server configuration: defaults, the JSON file, environment and flag overrides,
// their precedence, errors that name the place, and that --help documents every setting.

#include "engine/server/server_config.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <sstream>

namespace heregoes::server {
namespace {

std::function<const char*(const char*)> env_of(const std::map<std::string, std::string>& vars) {
    return [vars](const char* name) -> const char* {
        auto it = vars.find(name);
        return it == vars.end() ? nullptr : it->second.c_str();
    };
}

TEST(server_config, defaults_work_with_no_file) {
    auto loaded = load_config({}, env_of({}));
    ASSERT_TRUE(loaded) << loaded.error().to_string();
    EXPECT_EQ(loaded->config.port, 8080u);
    EXPECT_EQ(loaded->config.store, "sqlite");
    EXPECT_EQ(loaded->config.db_path, "./data/heregoes.db");
    EXPECT_EQ(loaded->config.dialogs_dir, "./dialogs");
    EXPECT_EQ(loaded->config.widget_dir, "./adapters/web/widget");
    EXPECT_EQ(loaded->config.max_frame_bytes, 4096u);
    EXPECT_EQ(loaded->config.session_ttl_days, 30u);
    EXPECT_FALSE(loaded->config.transcripts);
}

TEST(server_config, json_sets_nested_keys_and_practice_variables) {
    server_config c;
    auto ok = apply_json(c,
                         R"({"listen":{"port":9000},"limits":{"max_frame_bytes":8192},
                             "practice":{"practice_name":"Riverside","chat_is_read":"no"},
                             "origins":{"allowed":["https://clinic.example"]},
                             "transcripts":{"enabled":true,"retention_days":7}})",
                         "test.json");
    ASSERT_TRUE(ok) << ok.error().to_string();
    EXPECT_EQ(c.port, 9000u);
    EXPECT_EQ(c.max_frame_bytes, 8192u);
    EXPECT_EQ(c.practice.at("practice_name"), "Riverside");
    EXPECT_EQ(c.allowed_origins, std::vector<std::string>{"https://clinic.example"});
    EXPECT_TRUE(c.transcripts);
    EXPECT_EQ(c.transcript_retention_days, 7u);
}

TEST(server_config, unknown_key_is_an_error_naming_the_pointer) {
    server_config c;
    auto ok = apply_json(c, R"({"limits":{"max_frame_byte":1}})", "test.json");
    ASSERT_FALSE(ok);
    EXPECT_EQ(ok.error().where, "test.json#/limits/max_frame_byte");
}

TEST(server_config, wrong_types_and_ranges_are_errors) {
    server_config c;
    EXPECT_FALSE(apply_json(c, R"({"listen":{"port":"80"}})", "t"));
    EXPECT_FALSE(apply_json(c, R"({"listen":{"port":70000}})", "t"));
    EXPECT_FALSE(apply_json(c, R"({"store":{"kind":"redis"}})", "t"));
    EXPECT_FALSE(apply_json(c, "{not json", "t"));
    EXPECT_FALSE(apply_json(c, "[]", "t"));
}

TEST(server_config, flags_beat_environment_beat_file_defaults) {
    auto env = env_of({{"HEREGOES_PORT", "9001"}, {"HEREGOES_MAX_TEXT_CHARS", "500"}});
    std::vector<std::string> args = {
        "--port", "9002", "--allowed-origins=https://a.example, https://b.example"};
    auto loaded = load_config(args, env);
    ASSERT_TRUE(loaded) << loaded.error().to_string();
    EXPECT_EQ(loaded->config.port, 9002u);
    EXPECT_EQ(loaded->config.max_text_chars, 500u);
    EXPECT_EQ(loaded->config.allowed_origins.size(), 2u);
    EXPECT_EQ(loaded->config.allowed_origins[1], "https://b.example");
}

TEST(server_config, practice_flag_is_repeatable) {
    server_config c;
    std::vector<std::string> args = {
        "--practice", "practice_name=Riverside", "--practice", "chat_is_read=yes"};
    ASSERT_TRUE(apply_flags(c, args));
    EXPECT_EQ(c.practice.size(), 2u);
    EXPECT_EQ(c.practice.at("chat_is_read"), "yes");
}

TEST(server_config, unknown_flag_and_missing_value_are_errors) {
    server_config c;
    std::vector<std::string> unknown = {"--prot", "1"};
    EXPECT_FALSE(apply_flags(c, unknown));
    std::vector<std::string> missing = {"--port"};
    EXPECT_FALSE(apply_flags(c, missing));
}

TEST(server_config, invalid_origins_and_proxies_fail_validation) {
    server_config c;
    c.allowed_origins = {"clinic.example"};
    EXPECT_FALSE(validate(c));
    c.allowed_origins = {};
    c.trusted_proxies = {"10.0.0.0/33"};
    EXPECT_FALSE(validate(c));
    c.trusted_proxies = {"10.0.0.0/8", "::1"};
    EXPECT_TRUE(validate(c));
}

TEST(server_config, help_documents_every_setting_with_unique_names) {
    std::ostringstream out;
    print_help(out);
    std::set<std::string> names;
    for (const auto& s : settings()) {
        EXPECT_TRUE(names.insert(std::string(s.name)).second) << s.name;
        EXPECT_NE(out.str().find(s.flag() + " "), std::string::npos) << s.flag();
        EXPECT_NE(out.str().find(std::string(s.key)), std::string::npos) << s.key;
    }
    EXPECT_NE(out.str().find("--config FILE"), std::string::npos);
}

TEST(server_config, help_flag_is_reported) {
    std::vector<std::string> args = {"--help"};
    auto loaded = load_config(args, env_of({}));
    ASSERT_TRUE(loaded);
    EXPECT_TRUE(loaded->help);
}

} // namespace
} // namespace heregoes::server
