// The condition parser and compiler (condition.hpp). A recursive-descent parser over the grammar in
// docs/dialog-format.md whose recursion is bounded by max_condition_depth, and a compiler that
// emits the tree in postfix order with variable names replaced by indexes.

#include "engine/dialog/condition.hpp"

#include <limits>

namespace heregoes::dialog {
namespace {

bool is_name_char(char c) noexcept {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

class parser {
public:
    explicit parser(std::string_view text)
        : text_(text) {}

    expected<condition_expr> parse() {
        skip_space();
        if (at_end()) {
            return failure("the condition is empty");
        }
        auto root = parse_or(0);
        if (!ok_) {
            return failure(message_);
        }
        skip_space();
        if (!at_end()) {
            return failure("unexpected '" + std::string(1, text_[pos_]) + "' at column " +
                           std::to_string(pos_ + 1) + "; expected '&&', '||' or the end");
        }
        expr_.root = root;
        return std::move(expr_);
    }

private:
    expected<condition_expr> failure(std::string message) {
        return fail("bad_condition",
                    "condition '" + std::string(text_.substr(0, 80)) + "': " + std::move(message));
    }

    bool at_end() const noexcept { return pos_ >= text_.size(); }

    void skip_space() noexcept {
        while (!at_end() && (text_[pos_] == ' ' || text_[pos_] == '\t')) {
            ++pos_;
        }
    }

    bool take(std::string_view token) noexcept {
        skip_space();
        if (text_.substr(pos_, token.size()) == token) {
            pos_ += token.size();
            return true;
        }
        return false;
    }

    void error(std::string message) {
        if (ok_) {
            ok_ = false;
            message_ = std::move(message);
        }
    }

    std::string where() const { return "at column " + std::to_string(pos_ + 1); }

    std::uint16_t add(condition_node node) {
        if (expr_.nodes.size() >= std::numeric_limits<std::uint16_t>::max()) {
            error("the condition is too long");
            return 0;
        }
        expr_.nodes.push_back(std::move(node));
        return static_cast<std::uint16_t>(expr_.nodes.size() - 1);
    }

    std::uint16_t binary(condition_node::operation op, std::uint16_t a, std::uint16_t b) {
        condition_node node;
        node.op = op;
        node.left = a;
        node.right = b;
        return add(std::move(node));
    }

    std::uint16_t parse_or(std::size_t depth) {
        std::uint16_t left = parse_and(depth);
        while (ok_ && take("||")) {
            left = binary(condition_node::operation::any, left, parse_and(depth));
        }
        return left;
    }

    std::uint16_t parse_and(std::size_t depth) {
        std::uint16_t left = parse_unary(depth);
        while (ok_ && take("&&")) {
            left = binary(condition_node::operation::all, left, parse_unary(depth));
        }
        return left;
    }

    std::uint16_t parse_unary(std::size_t depth) {
        if (!ok_) {
            return 0;
        }
        if (depth >= max_condition_depth) {
            error("nested deeper than " + std::to_string(max_condition_depth) + " levels");
            return 0;
        }
        skip_space();
        if (take("!")) {
            if (!at_end() && text_[pos_] == '=') {
                error("unexpected '!=' " + where() + "; expected a variable name before it");
                return 0;
            }
            condition_node node;
            node.op = condition_node::operation::negate;
            node.left = parse_unary(depth + 1);
            return add(std::move(node));
        }
        if (take("(")) {
            const std::uint16_t inner = parse_or(depth + 1);
            if (ok_ && !take(")")) {
                error("missing ')' " + where());
            }
            return inner;
        }
        return parse_test();
    }

    std::uint16_t parse_test() {
        skip_space();
        const std::size_t start = pos_;
        while (!at_end() && is_name_char(text_[pos_])) {
            ++pos_;
        }
        if (pos_ == start) {
            if (at_end()) {
                error("the condition ends early; expected a variable name");
            } else {
                error("unexpected '" + std::string(1, text_[pos_]) + "' " + where() +
                      "; expected a variable name");
            }
            return 0;
        }
        condition_node node;
        node.name = std::string(text_.substr(start, pos_ - start));
        if (take("==")) {
            node.op = condition_node::operation::equals;
        } else if (take("!=")) {
            node.op = condition_node::operation::not_equals;
        } else {
            node.op = node.name == in_call_name ? condition_node::operation::in_call
                                                : condition_node::operation::is_set;
            return add(std::move(node));
        }
        if (node.name == in_call_name) {
            error("in_call cannot be compared; write 'in_call' or '!in_call'");
            return 0;
        }
        skip_space();
        if (at_end() || text_[pos_] != '\'') {
            error("expected a 'quoted string' " + where());
            return 0;
        }
        ++pos_;
        std::string literal;
        while (true) {
            if (at_end()) {
                error("the string is not closed; add a \"'\"");
                return 0;
            }
            const char c = text_[pos_++];
            if (c == '\'') {
                break;
            }
            if (c == '\\' && !at_end() && (text_[pos_] == '\'' || text_[pos_] == '\\')) {
                literal.push_back(text_[pos_++]);
                continue;
            }
            literal.push_back(c);
        }
        node.literal = std::move(literal);
        return add(std::move(node));
    }

    std::string_view text_;
    std::size_t pos_ = 0;
    bool ok_ = true;
    std::string message_;
    condition_expr expr_;
};

// Emits `node` and its children in postfix order.
bool emit(const condition_expr& expr,
          std::uint16_t index,
          const std::function<int(std::string_view)>& index_of,
          condition_program& program,
          std::string& problem) {
    const condition_node& node = expr.nodes[index];
    using nop = condition_node::operation;
    using pop = condition_program::op;
    condition_program::instruction instruction;
    switch (node.op) {
    case nop::negate:
        if (!emit(expr, node.left, index_of, program, problem)) {
            return false;
        }
        instruction.opcode = pop::negate;
        break;
    case nop::all:
    case nop::any:
        if (!emit(expr, node.left, index_of, program, problem) ||
            !emit(expr, node.right, index_of, program, problem)) {
            return false;
        }
        instruction.opcode = node.op == nop::all ? pop::all : pop::any;
        break;
    case nop::in_call:
        instruction.opcode = pop::in_call;
        break;
    case nop::is_set:
    case nop::equals:
    case nop::not_equals: {
        const int variable = index_of(node.name);
        if (variable < 0 || variable > std::numeric_limits<std::uint8_t>::max()) {
            problem =
                "the condition tests '" + node.name + "', which is not declared in \"variables\"";
            return false;
        }
        instruction.variable = static_cast<std::uint8_t>(variable);
        if (node.op == nop::is_set) {
            instruction.opcode = pop::is_set;
        } else {
            instruction.opcode = node.op == nop::equals ? pop::equals : pop::not_equals;
            instruction.literal = static_cast<std::uint16_t>(program.literals.size());
            program.literals.push_back(node.literal);
        }
        break;
    }
    }
    program.code.push_back(instruction);
    return true;
}

} // namespace

std::vector<std::string> condition_expr::names() const {
    // Depth-first, left child first, so names come out in the order they were written.
    std::vector<std::string> out;
    if (nodes.empty()) {
        return out;
    }
    std::vector<std::uint16_t> stack{root};
    while (!stack.empty()) {
        const std::uint16_t index = stack.back();
        stack.pop_back();
        const condition_node& node = nodes[index];
        switch (node.op) {
        case condition_node::operation::negate:
            stack.push_back(node.left);
            break;
        case condition_node::operation::all:
        case condition_node::operation::any:
            stack.push_back(node.right);
            stack.push_back(node.left);
            break;
        case condition_node::operation::in_call:
            break;
        default:
            out.push_back(node.name);
            break;
        }
    }
    return out;
}

expected<condition_expr> parse_condition(std::string_view text) {
    if (text.size() > max_condition_length) {
        return fail("bad_condition",
                    "the condition is longer than " + std::to_string(max_condition_length) +
                        " characters; split the logic over states");
    }
    return parser(text).parse();
}

expected<condition_program>
compile_condition(const condition_expr& expr,
                  const std::function<int(std::string_view)>& index_of) {
    condition_program program;
    if (expr.nodes.empty()) {
        return program;
    }
    std::string problem;
    if (!emit(expr, expr.root, index_of, program, problem)) {
        return fail("unknown_variable", problem);
    }
    return program;
}

} // namespace heregoes::dialog
