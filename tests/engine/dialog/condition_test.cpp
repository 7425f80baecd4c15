// The condition language (engine/dialog/condition.hpp): parsing, errors with columns, and
// evaluation of the compiled program.

#include "engine/dialog/condition.hpp"

#include <gtest/gtest.h>

#include <map>

namespace heregoes::dialog {
namespace {

// Compiles `text` over the variables a, b, c and evaluates it with `values`.
bool eval(const std::string& text,
          const std::map<std::string, std::string>& values,
          bool in_call = false) {
    const std::vector<std::string> names{"a", "b", "c"};
    auto parsed = parse_condition(text);
    EXPECT_TRUE(parsed.has_value()) << text << ": " << (parsed ? "" : parsed.error().message);
    if (!parsed) {
        return false;
    }
    auto program = compile_condition(*parsed, [&](std::string_view n) {
        for (std::size_t i = 0; i < names.size(); ++i) {
            if (names[i] == n) {
                return static_cast<int>(i);
            }
        }
        return -1;
    });
    EXPECT_TRUE(program.has_value());
    return program->evaluate(
        [&](std::uint8_t v) -> std::string_view {
            const auto it = values.find(names[v]);
            return it == values.end() ? std::string_view() : std::string_view(it->second);
        },
        in_call);
}

TEST(condition, a_name_alone_is_true_when_set_and_not_empty) {
    EXPECT_TRUE(eval("a", {{"a", "x"}}));
    EXPECT_FALSE(eval("a", {{"a", ""}}));
    EXPECT_FALSE(eval("a", {}));
}

TEST(condition, equality_and_inequality_compare_with_the_literal) {
    EXPECT_TRUE(eval("a == 'trust'", {{"a", "trust"}}));
    EXPECT_FALSE(eval("a == 'trust'", {{"a", "judged"}}));
    EXPECT_TRUE(eval("a != 'trust'", {}));
    EXPECT_TRUE(eval("a == 'it\\'s'", {{"a", "it's"}}));
}

TEST(condition, and_binds_tighter_than_or) {
    EXPECT_TRUE(eval("a || b && c", {{"a", "1"}}));
    EXPECT_FALSE(eval("(a || b) && c", {{"a", "1"}}));
}

TEST(condition, not_and_parentheses_nest) {
    EXPECT_TRUE(eval("!(a && !b)", {{"a", "1"}, {"b", "1"}}));
    EXPECT_TRUE(eval("!!a", {{"a", "1"}}));
}

TEST(condition, in_call_reads_the_call_stack) {
    EXPECT_TRUE(eval("in_call", {}, true));
    EXPECT_TRUE(eval("!in_call", {}, false));
}

TEST(condition, names_lists_the_variables_read_in_order) {
    auto parsed = parse_condition("b == 'x' || (!a && in_call) || c");
    ASSERT_TRUE(parsed.has_value());
    EXPECT_EQ(parsed->names(), (std::vector<std::string>{"b", "a", "c"}));
}

TEST(condition, syntax_errors_say_where) {
    for (const auto& [text, expected] : std::vector<std::pair<std::string, std::string>>{
             {"", "empty"},
             {"a &&", "ends early"},
             {"a == trust", "quoted string"},
             {"a == 'trust", "not closed"},
             {"(a", "missing ')'"},
             {"a b", "column 3"},
             {"in_call == 'x'", "cannot be compared"},
         }) {
        auto parsed = parse_condition(text);
        ASSERT_FALSE(parsed.has_value()) << text;
        EXPECT_NE(parsed.error().message.find(expected), std::string::npos)
            << text << ": " << parsed.error().message;
    }
}

TEST(condition, nesting_beyond_the_bound_is_an_error_not_a_stack_overflow) {
    const std::string deep =
        std::string(max_condition_depth + 1, '(') + "a" + std::string(max_condition_depth + 1, ')');
    EXPECT_FALSE(parse_condition(deep).has_value());
    EXPECT_FALSE(parse_condition(std::string(max_condition_length + 1, '!')).has_value());
}

TEST(condition, the_deepest_allowed_nesting_evaluates_correctly) {
    // Each level leaves two operands pending on the evaluator's stack.
    std::string text = "c";
    for (std::size_t i = 1; i < max_condition_depth; ++i) {
        text = "a || b && (" + text + ")";
    }
    EXPECT_TRUE(eval(text, {{"b", "1"}, {"c", "1"}}));
    EXPECT_FALSE(eval(text, {{"b", "1"}}));
    EXPECT_TRUE(eval(text, {{"a", "1"}}));
}

TEST(condition, an_undeclared_variable_fails_compilation) {
    auto parsed = parse_condition("mystery");
    ASSERT_TRUE(parsed.has_value());
    auto program = compile_condition(*parsed, [](std::string_view) { return -1; });
    ASSERT_FALSE(program.has_value());
    EXPECT_NE(program.error().message.find("'mystery'"), std::string::npos);
}

} // namespace
} // namespace heregoes::dialog
