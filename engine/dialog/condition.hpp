#pragma once

// Conditions ("if") on dialog variables: the small language of docs/dialog-format.md,
//   expr := or;  or := and ("||" and)*;  and := unary ("&&" unary)*;
//   unary := "!" unary | "(" expr ")" | test;  test := name [("==" | "!=") 'string']
// parsed into a tree (kept in the model, so tools can list the variables a condition reads) and
// compiled into a flat postfix program over variable indexes that the turn evaluates without
// allocating.

#include "engine/core/expected.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace heregoes::dialog {

// Longest condition text accepted; real conditions are a line, this bounds parser work.
inline constexpr std::size_t max_condition_length = 1024;

// Deepest nesting of "!" and "(" accepted; real conditions nest two or three levels. It bounds
// the recursive parser, and the evaluator's 64-entry bit stack: each level can leave at most two
// pending operands (the left sides of "||" and "&&"), so 16 levels need at most 35 entries.
inline constexpr std::size_t max_condition_depth = 16;

// The name that is true inside a sub-dialog; not a variable.
inline constexpr std::string_view in_call_name = "in_call";

struct condition_node {
    enum class operation : std::uint8_t {
        is_set,     // `name`: the variable is set and not empty
        equals,     // `name == 'literal'`
        not_equals, // `name != 'literal'`
        in_call,    // `in_call`
        negate,     // `!a`
        all,        // `a && b`
        any,        // `a || b`
    };
    operation op = operation::is_set;
    std::string name;        // variable name for is_set / equals / not_equals
    std::string literal;     // for equals / not_equals
    std::uint16_t left = 0;  // child node index for negate / all / any
    std::uint16_t right = 0; // second child for all / any
};

// A parsed condition: a tree stored in a vector, `root` indexing into it.
struct condition_expr {
    std::vector<condition_node> nodes;
    std::uint16_t root = 0;

    // The variable names the condition reads, in order of appearance (without in_call).
    std::vector<std::string> names() const;
};

// Parses a condition. The error's message says what is wrong and at which column (from 1); its
// `where` is empty, for the caller to fill in.
expected<condition_expr> parse_condition(std::string_view text);

// A compiled condition: postfix instructions over variable indexes.
struct condition_program {
    enum class op : std::uint8_t { is_set, equals, not_equals, in_call, negate, all, any };
    struct instruction {
        op opcode = op::is_set;
        std::uint8_t variable = 0; // index into the dialog's variable table
        std::uint16_t literal = 0; // index into `literals`
    };
    std::vector<instruction> code;
    std::vector<std::string> literals;

    // Evaluates the program. `value_of(variable)` returns the variable's current value as a
    // string_view (empty when unset); `in_call` is true inside a sub-dialog. An empty program is
    // true (no condition).
    template <class Lookup>
    bool evaluate(Lookup&& value_of, bool in_call) const {
        std::uint64_t stack = 0; // bit stack; depth is bounded by max_condition_depth
        for (const instruction& i : code) {
            bool v = false;
            switch (i.opcode) {
            case op::is_set:
                v = !std::string_view(value_of(i.variable)).empty();
                break;
            case op::equals:
                v = std::string_view(value_of(i.variable)) == literals[i.literal];
                break;
            case op::not_equals:
                v = std::string_view(value_of(i.variable)) != literals[i.literal];
                break;
            case op::in_call:
                v = in_call;
                break;
            case op::negate:
                v = (stack & 1u) == 0;
                stack >>= 1;
                break;
            case op::all:
            case op::any: {
                const bool b = (stack & 1u) != 0;
                const bool a = (stack & 2u) != 0;
                stack >>= 2;
                v = i.opcode == op::all ? (a && b) : (a || b);
                break;
            }
            }
            stack = (stack << 1) | (v ? 1u : 0u);
        }
        return code.empty() || (stack & 1u) != 0;
    }
};

// Compiles a parsed condition. `index_of(name)` returns the variable's index, or a negative
// number when the dialog declares no such variable (then the error names it).
// Runs at load time only, so a std::function is fine here.
expected<condition_program> compile_condition(const condition_expr& expr,
                                              const std::function<int(std::string_view)>& index_of);

} // namespace heregoes::dialog
