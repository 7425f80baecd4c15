// Carrying sessions across dialog versions (engine/dialog/versioning.hpp): same state id, the
// migrate map, or staying on the old version; variables follow their names.

#include "engine/dialog/session_variables.hpp"
#include "engine/dialog/turn.hpp"
#include "engine/dialog/versioning.hpp"
#include "tests/engine/dialog/dialog_text.hpp"
#include "tests/engine/dialog/scripted_gate.hpp"

#include <gtest/gtest.h>

namespace heregoes::dialog {
namespace {

using testing::compile_text;
using testing::edited;
using testing::minimal_graph;

const std::string v1_graph = edited(minimal_graph,
                                    "\"start\": \"hello\",",
                                    "\"start\": \"hello\", \"variables\": {\"a\": {}, \"b\": {}},");

std::string version(const std::string& graph, int v) {
    return edited(graph, "\"version\": 1", "\"version\": " + std::to_string(v));
}

class versioning_test : public ::testing::Test {
protected:
    void SetUp() override {
        v1 = compile_text(v1_graph);
        ASSERT_NE(v1, nullptr);
        s = new_session(*v1, "en", 3);
        step(*v1, gate, s, {input::kind::start, {}}, out);
        ASSERT_EQ(v1->state_id(s.state), "hello");
        ASSERT_TRUE(set_variable(*v1, s, "a", "first").has_value());
        ASSERT_TRUE(set_variable(*v1, s, "b", "second").has_value());
    }

    std::shared_ptr<const dialog> v1;
    testing::scripted_gate gate;
    session s;
    turn_output out;
};

TEST_F(versioning_test, a_session_continues_at_the_same_state_id) {
    // v2 adds a state before "hello", so its index changes but its id does not.
    const auto v2 = compile_text(
        version(edited(v1_graph,
                       "\"states\": {",
                       "\"states\": { \"intro\": { \"topic\": \"welcome\", \"next\": \"hello\" },"),
                2));
    ASSERT_NE(v2, nullptr);
    const auto moved = migrate(*v1, *v2, s);
    ASSERT_TRUE(moved.has_value());
    EXPECT_EQ(moved->dialog_version, 2u);
    EXPECT_EQ(v2->state_id(moved->state), "hello");
    EXPECT_NE(moved->state, s.state);
}

TEST_F(versioning_test, a_removed_state_follows_the_migrate_map) {
    std::string g = version(v1_graph, 2);
    g = edited(g, "\"start\": \"hello\"", "\"start\": \"hi\"");
    g = edited(g, "\"hello\": {", "\"hi\": {");
    g = edited(g, "\"goto\": \"hello\"", "\"goto\": \"hi\"");
    g = edited(g, "\"states\": {", "\"migrate\": { \"hello\": \"hi\" }, \"states\": {");
    const auto v2 = compile_text(g);
    ASSERT_NE(v2, nullptr);
    const auto moved = migrate(*v1, *v2, s);
    ASSERT_TRUE(moved.has_value());
    EXPECT_EQ(v2->state_id(moved->state), "hi");
}

TEST_F(versioning_test, without_a_counterpart_the_session_stays_on_the_old_version) {
    std::string g = version(v1_graph, 2);
    g = edited(g, "\"start\": \"hello\"", "\"start\": \"hi\"");
    g = edited(g, "\"hello\": {", "\"hi\": {");
    g = edited(g, "\"goto\": \"hello\"", "\"goto\": \"hi\"");
    const auto v2 = compile_text(g);
    ASSERT_NE(v2, nullptr);
    EXPECT_FALSE(migrate(*v1, *v2, s).has_value());

    const auto set = dialog_set::from({v1, v2});
    session kept = s;
    const auto runs_on = upgrade(*set, kept);
    ASSERT_NE(runs_on, nullptr);
    EXPECT_EQ(runs_on->version(), 1u);
    EXPECT_EQ(kept, s);
}

TEST_F(versioning_test, variables_are_remapped_by_name) {
    // v2 declares the variables in the other order, and drops none.
    const auto v2 = compile_text(
        version(edited(v1_graph, "{\"a\": {}, \"b\": {}}", "{\"b\": {}, \"a\": {}}"), 2));
    ASSERT_NE(v2, nullptr);
    const auto moved = migrate(*v1, *v2, s);
    ASSERT_TRUE(moved.has_value());
    EXPECT_EQ(variable_value_of(*v2, *moved, "a"), "first");
    EXPECT_EQ(variable_value_of(*v2, *moved, "b"), "second");
}

TEST_F(versioning_test, upgrade_moves_the_session_to_the_newest_version_when_it_can) {
    const auto v2 = compile_text(version(v1_graph, 2));
    ASSERT_NE(v2, nullptr);
    const auto set = dialog_set::from({v1, v2});
    const auto runs_on = upgrade(*set, s);
    ASSERT_NE(runs_on, nullptr);
    EXPECT_EQ(runs_on->version(), 2u);
    EXPECT_EQ(s.dialog_version, 2u);
}

TEST_F(versioning_test, a_call_stack_return_state_without_a_counterpart_blocks_migration) {
    // A session inside a call that returns to "bye"; v2 renames "bye" without a migrate entry.
    s.call_stack.push_back(*v1->find_state("bye"));
    std::string g = version(v1_graph, 2);
    g = edited(g, "\"goto\": \"bye\"", "\"goto\": \"farewell\"");
    g = edited(g, "\"bye\": {", "\"farewell\": {");
    const auto v2 = compile_text(g);
    ASSERT_NE(v2, nullptr);
    EXPECT_FALSE(migrate(*v1, *v2, s).has_value());
}

TEST_F(versioning_test, a_new_version_without_the_session_locale_keeps_the_session) {
    const auto v2 = compile_text(version(v1_graph, 2));
    ASSERT_NE(v2, nullptr);
    s.locale = "es";
    EXPECT_FALSE(migrate(*v1, *v2, s).has_value());
}

TEST_F(versioning_test, upgrade_of_a_session_whose_dialog_is_gone_returns_null) {
    const auto set = dialog_set::from({});
    EXPECT_EQ(upgrade(*set, s), nullptr);
}

} // namespace
} // namespace heregoes::dialog
