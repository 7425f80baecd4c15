// Session variables by name (engine/dialog/session_variables.hpp).

#include "engine/dialog/session_variables.hpp"
#include "engine/dialog/turn.hpp"
#include "tests/engine/dialog/fixture_path.hpp"

#include <gtest/gtest.h>

namespace heregoes::dialog {
namespace {

class session_variables_test : public ::testing::Test {
protected:
    void SetUp() override {
        auto loaded = load_dialog(testing::fixture("basic.json"), load_options{});
        ASSERT_TRUE(loaded.has_value()) << loaded.error().to_string();
        d = *loaded;
        s = new_session(*d, "en", 1);
    }
    std::shared_ptr<const dialog> d;
    session s;
};

TEST_F(session_variables_test, set_then_read_by_name) {
    ASSERT_TRUE(set_variable(*d, s, "mood", "ok").has_value());
    EXPECT_EQ(variable_value_of(*d, s, "mood"), "ok");
    ASSERT_TRUE(set_variable(*d, s, "mood", "").has_value());
    EXPECT_EQ(variable_value_of(*d, s, "mood"), std::nullopt);
}

TEST_F(session_variables_test, deployment_variables_read_their_value_and_refuse_writes) {
    EXPECT_EQ(variable_value_of(*d, s, "practice_name"), "our practice");
    const auto r = set_variable(*d, s, "practice_name", "x");
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, "read_only_variable");
}

TEST_F(session_variables_test, an_undeclared_variable_is_an_error) {
    const auto r = set_variable(*d, s, "nope", "x");
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, "unknown_variable");
}

TEST_F(session_variables_test, erase_sensitive_keeps_only_the_rest) {
    ASSERT_TRUE(set_variable(*d, s, "name", "Sam").has_value());
    ASSERT_TRUE(set_variable(*d, s, "mood", "ok").has_value());
    erase_sensitive(*d, s);
    EXPECT_EQ(variable_value_of(*d, s, "name"), std::nullopt);
    EXPECT_EQ(variable_value_of(*d, s, "mood"), "ok");
}

} // namespace
} // namespace heregoes::dialog
