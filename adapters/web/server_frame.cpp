// Hand-written encoders for server frames. Field order is fixed (type first), which keeps frames
// easy to read in a browser's network panel and lets tests compare them as text.

#include "adapters/web/server_frame.hpp"

#include <array>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

namespace heregoes::web {

namespace {

// Eight bytes at a time: a bot message is a few hundred bytes with almost never a byte to escape,
// and testing a word at once took the scan from about five instructions a byte to under two.
constexpr std::uint64_t every_byte_01 = 0x0101010101010101ull;
constexpr std::uint64_t every_byte_80 = 0x8080808080808080ull;

// Nonzero when some byte of `word` is below `limit` (at most 0x80). The test is exact for "some
// byte", though the marked bit may be the wrong byte, so a hit is rescanned byte by byte.
constexpr std::uint64_t some_byte_below(std::uint64_t word, std::uint8_t limit) {
    return (word - every_byte_01 * limit) & ~word & every_byte_80;
}

// Nonzero when some byte of `word` equals `value`.
constexpr std::uint64_t some_byte_equal(std::uint64_t word, std::uint8_t value) {
    return some_byte_below(word ^ (every_byte_01 * value), 1);
}

// True when any of the eight bytes at `p` is a control character, a quote or a backslash.
bool word_needs_escape(const char* p) {
    std::uint64_t word;
    std::memcpy(&word, p, sizeof word);
    return (some_byte_below(word, 0x20) | some_byte_equal(word, '"') |
            some_byte_equal(word, '\\')) != 0;
}

bool byte_needs_escape(unsigned char c) {
    return c < 0x20 || c == '"' || c == '\\';
}

// Combinations of flags whose names a thread keeps: every one of the four flags known today.
// Larger values (a flag added later) are named by flag_names() at each call, so none is lost.
constexpr std::uint32_t cached_flag_combinations = 16;

// The names of `flags`. flag_names() builds a vector of strings each call, an allocation per
// flagged frame; a thread keeps the result for each combination it has seen instead.
const std::vector<std::string>& names_of(std::uint32_t flags) {
    thread_local std::array<std::optional<std::vector<std::string>>, cached_flag_combinations>
        cache;
    thread_local std::vector<std::string> uncached;
    if (flags >= cache.size()) {
        uncached = flag_names(flags);
        return uncached;
    }
    auto& names = cache[flags];
    if (!names) {
        names = flag_names(flags);
    }
    return *names;
}

} // namespace

void append_json_string(std::string& out, std::string_view text) {
    static constexpr std::array<char, 16> hex{
        '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'};
    // No reserve here: a frame is built from several strings, and reserving the exact size for
    // each one would reallocate at every field; the caller reserves for the whole frame.
    out.push_back('"');
    // Runs of characters that need no escape (nearly all of a message) are copied in one append.
    std::size_t run = 0;
    std::size_t i = 0;
    const std::size_t size = text.size();
    while (i < size) {
        if (i + sizeof(std::uint64_t) <= size && !word_needs_escape(text.data() + i)) {
            i += sizeof(std::uint64_t);
            continue;
        }
        const auto c = static_cast<unsigned char>(text[i]);
        if (!byte_needs_escape(c)) {
            ++i;
            continue;
        }
        out.append(text.data() + run, i - run);
        run = ++i;
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            out += "\\u00";
            out.push_back(hex[c >> 4]);
            out.push_back(hex[c & 0x0F]);
        }
    }
    out.append(text.data() + run, size - run);
    out.push_back('"');
}

void append_session_frame(std::string& out, const session_info& info) {
    out += R"({"type":"session","token":)";
    append_json_string(out, info.token);
    out += info.resumed ? R"(,"resumed":true,"dialog":)" : R"(,"resumed":false,"dialog":)";
    append_json_string(out, info.dialog);
    out += R"(,"version":)";
    out += std::to_string(info.version);
    out += R"(,"locale":)";
    append_json_string(out, info.locale);
    out.push_back('}');
}

// A bot frame's bytes besides its strings: the field names, numbers and punctuation, with room for
// a few escapes and flags. Reserving this plus the strings up front builds a frame in one buffer.
constexpr std::size_t bot_frame_overhead_bytes = 192;
// Each choice adds its field names and punctuation besides its two strings.
constexpr std::size_t choice_overhead_bytes = 24;

void append_bot_frame(std::string& out, const bot_message& message) {
    std::size_t estimate = bot_frame_overhead_bytes + message.id.size() + message.text.size();
    for (const auto& c : message.choices) {
        estimate += choice_overhead_bytes + c.id.size() + c.label.size();
    }
    out.reserve(out.size() + estimate);
    out += R"({"type":"bot","seq":)";
    out += std::to_string(message.seq);
    out += R"(,"topic":)";
    append_json_string(out, to_string(message.topic));
    out += R"(,"id":)";
    append_json_string(out, message.id);
    out += R"(,"text":)";
    append_json_string(out, message.text);
    out += R"(,"choices":[)";
    bool first = true;
    for (const auto& c : message.choices) {
        out += first ? R"({"id":)" : R"(,{"id":)";
        first = false;
        append_json_string(out, c.id);
        out += R"(,"label":)";
        append_json_string(out, c.label);
        out.push_back('}');
    }
    out += R"(],"typing_ms":)";
    out += std::to_string(message.typing_ms);
    out += message.await ? R"(,"await":true,"flags":[)" : R"(,"await":false,"flags":[)";
    first = true;
    for (const auto& name : names_of(message.flags)) {
        if (!first) {
            out.push_back(',');
        }
        first = false;
        append_json_string(out, name);
    }
    out += "]}";
}

void append_error_frame(std::string& out, protocol_error code, std::string_view message) {
    out += R"({"type":"error","code":)";
    append_json_string(out, to_string(code));
    out += R"(,"message":)";
    append_json_string(out, message);
    out.push_back('}');
}

void append_forgotten_frame(std::string& out) {
    out += R"({"type":"forgotten"})";
}

} // namespace heregoes::web
