// Named pattern fragments (see pattern_fragments.hpp). A reference is `{name}` with a lower-case
// name; the scanner skips what RE2 itself reads as braces or literal text (escapes such as \{ and
// \x{41}, \p{Greek}, \Q...\E, and [...] classes), so a reference can never be mistaken for RE2
// syntax and RE2's own braces ({2}, {2,3}) pass through untouched.

#include "engine/safety/pattern_fragments.hpp"

#include "engine/safety/pattern_pack.hpp"

#include <re2/re2.h>

#include <algorithm>
#include <optional>

namespace heregoes::safety {
namespace {

bool is_name_start(char c) noexcept {
    return (c >= 'a' && c <= 'z') || c == '_';
}

bool is_name_char(char c) noexcept {
    return is_name_start(c) || (c >= '0' && c <= '9');
}

// A character that makes `{` open a reference: any ASCII letter or `_`. Upper case is included
// so "{Someone}" is refused as a bad name instead of silently matching the literal text.
bool opens_reference(char c) noexcept {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

// "at character 12": a place inside a pattern string, counted from 1 as editors count columns.
std::string at_character(std::size_t offset) {
    return "at character " + std::to_string(offset + 1);
}

// Index just past the [...] class opening at `open`, or text.size() when it never closes (RE2
// then reports the unclosed class). A `]` first in the class, after an optional `^`, is literal.
std::size_t skip_class(std::string_view text, std::size_t open) {
    std::size_t i = open + 1;
    if (i < text.size() && text[i] == '^') {
        ++i;
    }
    if (i < text.size() && text[i] == ']') {
        ++i;
    }
    while (i < text.size()) {
        if (text[i] == '\\') {
            i += 2;
        } else if (text[i] == '[' && i + 1 < text.size() && text[i + 1] == ':') {
            const auto end = text.find(":]", i + 2);
            i = end == std::string_view::npos ? i + 1 : end + 2;
        } else if (text[i] == ']') {
            return i + 1;
        } else {
            ++i;
        }
    }
    return text.size();
}

// Index just past the escape starting at the backslash `at`: two characters, or a whole
// \x{...}, \p{...}, \P{...} or \Q...\E, whose braces and text belong to RE2.
std::size_t skip_escape(std::string_view text, std::size_t at) {
    if (at + 1 >= text.size()) {
        return text.size();
    }
    const char kind = text[at + 1];
    if (kind == 'Q') {
        const auto end = text.find("\\E", at + 2);
        return end == std::string_view::npos ? text.size() : end + 2;
    }
    if ((kind == 'x' || kind == 'p' || kind == 'P') && at + 2 < text.size() &&
        text[at + 2] == '{') {
        const auto end = text.find('}', at + 3);
        return end == std::string_view::npos ? text.size() : end + 1;
    }
    return at + 2;
}

// One reference: text[open] is `{`, text[close] is `}`, the name lies between.
struct reference {
    std::size_t open = 0;
    std::size_t close = 0;
    std::string_view name(std::string_view text) const {
        return text.substr(open + 1, close - open - 1);
    }
};

// The first reference at or after `from`, which must not lie inside an escape or class; nullopt
// when there is none. Fails naming `place` and the character for a `{` and letter that is not a
// well-formed reference.
expected<std::optional<reference>>
next_reference(std::string_view text, std::size_t from, const std::string& place) {
    std::size_t i = from;
    while (i < text.size()) {
        const char c = text[i];
        if (c == '\\') {
            i = skip_escape(text, i);
            continue;
        }
        if (c == '[') {
            i = skip_class(text, i);
            continue;
        }
        if (c != '{' || i + 1 >= text.size() || !opens_reference(text[i + 1])) {
            ++i;
            continue;
        }
        std::size_t end = i + 1;
        while (end < text.size() && (opens_reference(text[end]) || is_name_char(text[end]))) {
            ++end;
        }
        const std::string written(text.substr(i, end - i));
        if (end == text.size()) {
            return fail("bad_reference",
                        "the fragment reference " + written + " " + at_character(i) +
                            " is not closed with }; write a literal brace as \\{",
                        place);
        }
        if (text[end] != '}') {
            return fail("bad_reference",
                        "the fragment reference " + written + " " + at_character(i) +
                            " must be closed by } right after its name; write a literal brace "
                            "as \\{",
                        place);
        }
        const reference ref{i, end};
        if (!is_fragment_name(ref.name(text))) {
            return fail("bad_reference",
                        std::string("{").append(ref.name(text)).append("} ") + at_character(i) +
                            " is not a fragment name: names are lower-case letters, digits "
                            "and _, starting with a letter or _",
                        place);
        }
        return std::optional<reference>(ref);
    }
    return std::optional<reference>();
}

// What wraps every expanded fragment: a non-capturing group, so RE2 compiles exactly the text
// a person would have written out, and an alternation stays inside its fragment.
constexpr std::string_view group_open = "(?:";
constexpr std::string_view group_close = ")";

// The error for the fragment `name`, at `place`, that nests others past max_fragment_depth.
error too_deep(const std::string& name, const std::string& place) {
    const std::string limit = std::to_string(max_fragment_depth);
    return fail("bad_fragment",
                "the fragment {" + name + "} nests fragments more than " + limit +
                    " deep; at most " + limit +
                    " levels are allowed, so a reviewer can follow a pattern back to its words",
                place);
}

std::string kib_text(std::size_t bytes) {
    return std::to_string(bytes >> 10) + " KiB";
}

} // namespace

bool is_fragment_name(std::string_view name) noexcept {
    return !name.empty() && is_name_start(name.front()) &&
           std::all_of(name.begin(), name.end(), is_name_char);
}

expected<fragment_table> fragment_table::parse(const nlohmann::json& node,
                                               const std::string& place) {
    if (!node.is_object()) {
        return fail("bad_fragment",
                    "fragments must map fragment names to pieces of pattern, e.g. "
                    "{\"someone\": \"she|he|they\"}",
                    place);
    }
    fragment_table table;
    for (const auto& [name, value] : node.items()) {
        if (!is_fragment_name(name)) {
            return fail("bad_fragment",
                        "the fragment name \"" + name +
                            "\" is not valid: names are lower-case letters, digits and _, "
                            "starting with a letter or _",
                        place);
        }
        const std::string fragment_place = place + "/" + name;
        if (!value.is_string()) {
            return fail("bad_fragment", "a fragment is a piece of pattern text", fragment_place);
        }
        if (value.get_ref<const std::string&>().empty()) {
            return fail("bad_fragment",
                        "the fragment is empty; write the words it stands for or remove it",
                        fragment_place);
        }
        table.fragments_[name] = fragment{value.get<std::string>(), {}, fragment_place, 0, false};
    }
    std::vector<std::string> chain;
    for (const auto& entry : table.fragments_) {
        if (auto resolved = table.resolve(entry.first, chain); !resolved) {
            return resolved.error();
        }
    }
    return table;
}

expected<void> fragment_table::resolve(const std::string& name, std::vector<std::string>& chain) {
    fragment& f = fragments_.find(name)->second;
    if (f.depth != 0) {
        return {};
    }
    chain.push_back(name);
    std::string out;
    std::size_t depth = 1;
    std::size_t pos = 0;
    const std::string_view source(f.source);
    while (true) {
        auto ref = next_reference(source, pos, f.place);
        if (!ref) {
            return ref.error();
        }
        if (!*ref) {
            out.append(source.substr(pos));
            break;
        }
        out.append(source.substr(pos, (*ref)->open - pos));
        const std::string used((*ref)->name(source));
        const auto it = fragments_.find(used);
        if (it == fragments_.end()) {
            return fail("bad_reference",
                        "the fragment uses {" + used + "}, which \"fragments\" does not define",
                        f.place);
        }
        if (std::find(chain.begin(), chain.end(), used) != chain.end()) {
            std::string cycle;
            for (const auto& step : chain) {
                cycle += "{" + step + "} -> ";
            }
            return fail("bad_fragment",
                        "fragments use each other in a cycle: " + cycle + "{" + used + "}",
                        f.place);
        }
        if (it->second.depth == 0 && chain.size() >= max_fragment_depth) {
            // Refused before going deeper, so a long chain in a hostile file cannot recurse far.
            return too_deep(chain.front(), fragments_.find(chain.front())->second.place);
        }
        if (auto resolved = resolve(used, chain); !resolved) {
            return resolved.error();
        }
        fragment& inner = it->second;
        inner.used = true;
        depth = std::max(depth, inner.depth + 1);
        if (depth > max_fragment_depth) {
            return too_deep(name, f.place);
        }
        out += inner.expanded;
        if (out.size() > max_expanded_pattern_bytes) {
            return fail("bad_fragment",
                        "the fragment {" + name + "} expands to more than " +
                            kib_text(max_expanded_pattern_bytes),
                        f.place);
        }
        pos = (*ref)->close + 1;
    }
    // Without its wrapping, the fragment must be a whole regex on its own: then the wrapping makes
    // it one atom wherever it stands ("a)|(?:b" would compile once wrapped, as "(?:a)|(?:b)", and
    // leak the alternation into the pattern around it).
    const RE2 alone(out, pack_regex_options());
    if (!alone.ok()) {
        return fail("bad_fragment",
                    "the fragment {" + name + "} does not compile on its own: " + alone.error() +
                        "; a fragment must be a whole regex, since it stands in a pattern as one "
                        "group",
                    f.place);
    }
    out = std::string(group_open) + out + std::string(group_close);
    if (out.size() > max_expanded_pattern_bytes) {
        return fail("bad_fragment",
                    "the fragment {" + name + "} expands to more than " +
                        kib_text(max_expanded_pattern_bytes),
                    f.place);
    }
    chain.pop_back();
    f.expanded = std::move(out);
    f.depth = depth;
    return {};
}

expected<expanded_pattern> fragment_table::expand(std::string_view pattern,
                                                  const std::string& place) {
    expanded_pattern out;
    std::size_t pos = 0;
    while (true) {
        auto ref = next_reference(pattern, pos, place);
        if (!ref) {
            return ref.error();
        }
        if (!*ref) {
            out.text.append(pattern.substr(pos));
            break;
        }
        out.text.append(pattern.substr(pos, (*ref)->open - pos));
        const std::string name((*ref)->name(pattern));
        const auto it = fragments_.find(name);
        if (it == fragments_.end()) {
            return fail("bad_reference",
                        "the pattern uses {" + name + "} " + at_character((*ref)->open) +
                            ", which \"fragments\" does not define",
                        place);
        }
        it->second.used = true;
        out.text += it->second.expanded;
        if (std::find(out.fragments.begin(), out.fragments.end(), name) == out.fragments.end()) {
            out.fragments.push_back(name);
        }
        if (out.text.size() > max_expanded_pattern_bytes) {
            return fail("bad_reference",
                        "the pattern expands to more than " + kib_text(max_expanded_pattern_bytes),
                        place);
        }
        pos = (*ref)->close + 1;
    }
    expanded_bytes_ += out.text.size();
    if (expanded_bytes_ > max_expanded_pack_bytes) {
        return fail("bad_reference",
                    "the pack's patterns expand to more than " + kib_text(max_expanded_pack_bytes) +
                        " in all",
                    place);
    }
    return out;
}

expected<void> fragment_table::check_all_used() const {
    for (const auto& [name, f] : fragments_) {
        if (!f.used) {
            return fail("bad_fragment",
                        "the fragment {" + name +
                            "} is not used by any pattern; use it where its words are written "
                            "out, or remove it",
                        f.place);
        }
    }
    return {};
}

} // namespace heregoes::safety
