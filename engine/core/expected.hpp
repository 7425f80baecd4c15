#pragma once

// The error channel of heregoes. Failures that can happen (a bad dialog file, a malformed frame, an
// unreadable store) are values, not exceptions: a function that can fail returns expected<T>, which
// holds either the result or an error a person can act on. Exceptions are kept for the truly
// exceptional (out of memory, a broken invariant).

#include <string>
#include <utility>
#include <variant>

namespace heregoes {

// What went wrong, where, in words a dialog author or an operator can act on.
struct error {
    std::string code; // stable, machine-readable: "json_syntax", "unknown_target", "bad_regex", ...
    std::string
        message; // one sentence for a person: what is wrong and, where possible, how to fix it
    std::string
        where; // "file:line:column", or "file#/json/pointer", or empty when not about a place

    // "where: message" (or just the message), the form every command-line tool prints.
    std::string to_string() const { return where.empty() ? message : where + ": " + message; }
};

// Makes an error value; reads well at return sites: `return fail("bad_regex", msg, where);`
inline error fail(std::string code, std::string message, std::string where = {}) {
    return error{std::move(code), std::move(message), std::move(where)};
}

// Either a T or an error. A small stand-in for C++23 std::expected, which C++20 lacks.
template <class T>
class expected {
public:
    expected(T value)
        : v_(std::in_place_index<0>, std::move(value)) {}
    expected(heregoes::error e)
        : v_(std::in_place_index<1>, std::move(e)) {}

    bool has_value() const noexcept { return v_.index() == 0; }
    explicit operator bool() const noexcept { return has_value(); }

    T& value() & { return std::get<0>(v_); }
    const T& value() const& { return std::get<0>(v_); }
    T&& value() && { return std::get<0>(std::move(v_)); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }

    const heregoes::error& error() const { return std::get<1>(v_); }

private:
    std::variant<T, heregoes::error> v_;
};

// expected<void>: success carries nothing.
template <>
class expected<void> {
public:
    expected() = default;
    expected(heregoes::error e)
        : e_(std::move(e))
        , ok_(false) {}

    bool has_value() const noexcept { return ok_; }
    explicit operator bool() const noexcept { return ok_; }
    const heregoes::error& error() const { return e_; }

private:
    heregoes::error e_;
    bool ok_ = true;
};

} // namespace heregoes
