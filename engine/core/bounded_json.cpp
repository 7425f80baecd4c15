// Bounded JSON reading (bounded_json.hpp). The pre-scan is a tiny tokenizer that only tracks
// strings, brackets and object keys: enough to measure nesting and see duplicate keys, while
// nlohmann remains the judge of syntax.

#include "engine/core/bounded_json.hpp"

#include <set>

namespace heregoes {
namespace {

// Keys are cut to this many bytes when quoted in a message, so a huge key cannot flood the output.
constexpr std::size_t max_key_echo = 80;

struct scan_result {
    bool too_deep = false;
    std::size_t too_deep_at = 0;
    std::vector<std::pair<std::size_t, std::string>> duplicates; // offset and key
};

scan_result pre_scan(std::string_view text, std::size_t max_depth) {
    struct container {
        bool object = false;
        bool expect_key = false;
        std::set<std::string_view> keys;
    };
    scan_result result;
    std::vector<container> stack;
    std::size_t i = 0;
    while (i < text.size()) {
        const char c = text[i];
        if (c == '"') {
            const std::size_t start = i + 1;
            std::size_t j = start;
            while (j < text.size() && text[j] != '"') {
                j += text[j] == '\\' ? 2 : 1;
            }
            const std::size_t end = j < text.size() ? j : text.size();
            if (!stack.empty() && stack.back().object && stack.back().expect_key) {
                const std::string_view key = text.substr(start, end - start);
                if (!stack.back().keys.insert(key).second) {
                    result.duplicates.emplace_back(i, std::string(key.substr(0, max_key_echo)));
                }
                stack.back().expect_key = false;
            }
            i = j + 1;
            continue;
        }
        if (c == '{' || c == '[') {
            if (stack.size() >= max_depth) {
                result.too_deep = true;
                result.too_deep_at = i;
                return result;
            }
            stack.push_back(container{c == '{', c == '{', {}});
        } else if (c == '}' || c == ']') {
            if (!stack.empty()) {
                stack.pop_back();
            }
        } else if (c == ',') {
            if (!stack.empty() && stack.back().object) {
                stack.back().expect_key = true;
            }
        }
        ++i;
    }
    return result;
}

// nlohmann's message without its "[json.exception...] parse error at line L, column C: " prefix,
// since the position is given separately in `where`.
std::string plain_message(const std::string& what) {
    const std::size_t column = what.find("column ");
    if (column != std::string::npos) {
        const std::size_t colon = what.find(": ", column);
        if (colon != std::string::npos) {
            return what.substr(colon + 2);
        }
    }
    const std::size_t bracket = what.find("] ");
    return bracket == std::string::npos ? what : what.substr(bracket + 2);
}

// Characters in UTF-8 `text`: every byte but a continuation byte (10xxxxxx) starts one. The
// parser stops at the first invalid byte, so the text before an error position is well formed.
std::size_t count_characters(std::string_view text) noexcept {
    std::size_t count = 0;
    for (const char c : text) {
        if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) {
            ++count;
        }
    }
    return count;
}

} // namespace

std::string text_position(std::string_view text, std::size_t byte_offset, const std::string& file) {
    if (byte_offset > text.size()) {
        byte_offset = text.size();
    }
    std::size_t line = 1;
    std::size_t line_start = 0;
    for (std::size_t i = 0; i < byte_offset; ++i) {
        if (text[i] == '\n') {
            ++line;
            line_start = i + 1;
        }
    }
    const std::size_t column =
        count_characters(text.substr(line_start, byte_offset - line_start)) + 1;
    return file + ":" + std::to_string(line) + ":" + std::to_string(column);
}

json_read_result
read_bounded_json(std::string_view text, const std::string& file, std::size_t max_depth) {
    json_read_result result;
    const scan_result scan = pre_scan(text, max_depth);
    if (scan.too_deep) {
        result.diagnostics.push_back(fail("json_too_deep",
                                          "JSON nested deeper than " + std::to_string(max_depth) +
                                              " levels; the files heregoes reads need far "
                                              "fewer, so this file is probably broken",
                                          text_position(text, scan.too_deep_at, file)));
        return result;
    }
    try {
        result.value = nlohmann::ordered_json::parse(text.begin(), text.end());
    } catch (const nlohmann::ordered_json::parse_error& e) {
        // e.byte counts characters read, so the offending character is at e.byte - 1.
        const std::size_t offset = e.byte == 0 ? 0 : e.byte - 1;
        result.diagnostics.push_back(fail("json_syntax",
                                          "invalid JSON: " + plain_message(e.what()),
                                          text_position(text, offset, file)));
        return result;
    } catch (const nlohmann::ordered_json::exception& e) {
        result.diagnostics.push_back(
            fail("json_syntax", "invalid JSON: " + plain_message(e.what()), file));
        return result;
    }
    for (const auto& [offset, key] : scan.duplicates) {
        result.diagnostics.push_back(fail("duplicate_key",
                                          "the key \"" + key +
                                              "\" appears twice in one object; JSON keeps only "
                                              "the last, so merge or rename them",
                                          text_position(text, offset, file)));
    }
    return result;
}

} // namespace heregoes
