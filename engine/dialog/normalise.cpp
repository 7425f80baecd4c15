// The matching normaliser (normalise.hpp): one pass over UTF-8, decoding each code point, mapping
// it (lower case, straight quotes, whitespace) and encoding it again. Only the letters people
// commonly type in the supported locales are case-folded here; re2's own case-insensitive
// matching covers the rest.

#include "engine/dialog/normalise.hpp"

#include <cstdint>

namespace heregoes::dialog {
namespace {

constexpr char32_t replacement_character = 0xFFFD;

struct decoded {
    char32_t code_point;
    std::size_t length;
};

// Decodes one UTF-8 sequence at `i`; invalid or truncated sequences decode as one U+FFFD byte.
decoded decode(std::string_view s, std::size_t i) noexcept {
    const auto b0 = static_cast<unsigned char>(s[i]);
    if (b0 < 0x80) {
        return {b0, 1};
    }
    std::size_t length = 0;
    char32_t cp = 0;
    char32_t min = 0;
    if ((b0 & 0xE0) == 0xC0) {
        length = 2;
        cp = b0 & 0x1F;
        min = 0x80;
    } else if ((b0 & 0xF0) == 0xE0) {
        length = 3;
        cp = b0 & 0x0F;
        min = 0x800;
    } else if ((b0 & 0xF8) == 0xF0) {
        length = 4;
        cp = b0 & 0x07;
        min = 0x10000;
    } else {
        return {replacement_character, 1};
    }
    if (i + length > s.size()) {
        return {replacement_character, 1};
    }
    for (std::size_t k = 1; k < length; ++k) {
        const auto b = static_cast<unsigned char>(s[i + k]);
        if ((b & 0xC0) != 0x80) {
            return {replacement_character, 1};
        }
        cp = (cp << 6) | (b & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        return {replacement_character, 1};
    }
    return {cp, length};
}

void encode(char32_t cp, std::string& out) {
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

bool is_space(char32_t cp) noexcept {
    return cp == ' ' || (cp >= 0x09 && cp <= 0x0D) || cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
           (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F ||
           cp == 0x205F || cp == 0x3000;
}

// Invisible characters that only get in a pattern's way (zero-width space, byte order mark,
// soft hyphen).
bool is_invisible(char32_t cp) noexcept {
    return cp == 0x200B || cp == 0xFEFF || cp == 0xAD;
}

// Lower case for ASCII, Latin-1, Latin Extended-A, Greek and Cyrillic capitals.
char32_t to_lower(char32_t cp) noexcept {
    if (cp < 0x80) {
        return (cp >= 'A' && cp <= 'Z') ? cp + 0x20 : cp;
    }
    if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) {
        return cp + 0x20;
    }
    if (cp >= 0x100 && cp <= 0x17F) {
        if (cp == 0x130) {
            return 'i';
        }
        if (cp == 0x178) {
            return 0xFF;
        }
        // Pairs start on even code points up to U+0137, on odd ones from U+0139 to U+0148, even
        // again from U+014A to U+0177, odd from U+0179 to U+017E.
        const bool even_pairs = (cp <= 0x137) || (cp >= 0x14A && cp <= 0x177);
        const bool odd_pairs = (cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E);
        if ((even_pairs && cp % 2 == 0 && cp != 0x138) || (odd_pairs && cp % 2 == 1)) {
            return cp + 1;
        }
        return cp;
    }
    if (cp >= 0x391 && cp <= 0x3AB && cp != 0x3A2) {
        return cp + 0x20;
    }
    if (cp == 0x386) {
        return 0x3AC;
    }
    if (cp >= 0x388 && cp <= 0x38A) {
        return cp + 0x25;
    }
    if (cp == 0x38C) {
        return 0x3CC;
    }
    if (cp == 0x38E || cp == 0x38F) {
        return cp + 0x3F;
    }
    if (cp >= 0x410 && cp <= 0x42F) {
        return cp + 0x20;
    }
    if (cp >= 0x400 && cp <= 0x40F) {
        return cp + 0x50;
    }
    return cp;
}

char32_t straighten_quotes(char32_t cp) noexcept {
    switch (cp) {
    case 0x2018: // left single quotation mark
    case 0x2019: // right single quotation mark, the usual typed apostrophe on phones
    case 0x201A:
    case 0x201B:
    case 0x2032: // prime
    case 0x02BC: // modifier letter apostrophe
        return '\'';
    case 0x201C:
    case 0x201D:
    case 0x201E:
    case 0x201F:
    case 0x2033:
        return '"';
    default:
        return cp;
    }
}

} // namespace

void normalise_for_matching(std::string_view text, std::string& out) {
    out.clear();
    if (text.size() > max_match_bytes) {
        text = text.substr(0, max_match_bytes);
    }
    bool pending_space = false;
    std::size_t i = 0;
    while (i < text.size()) {
        const auto b = static_cast<unsigned char>(text[i]);
        char32_t cp = 0;
        if (b < 0x80) {
            // Fast path for ASCII, the common case.
            cp = b;
            ++i;
        } else {
            const decoded d = decode(text, i);
            cp = d.code_point;
            i += d.length;
        }
        if (is_space(cp)) {
            pending_space = !out.empty();
            continue;
        }
        if (is_invisible(cp)) {
            continue;
        }
        if (pending_space) {
            out.push_back(' ');
            pending_space = false;
        }
        cp = straighten_quotes(to_lower(cp));
        if (cp < 0x80) {
            out.push_back(static_cast<char>(cp));
        } else {
            encode(cp, out);
        }
    }
}

std::size_t count_characters(std::string_view text) noexcept {
    std::size_t count = 0;
    std::size_t i = 0;
    while (i < text.size()) {
        i += decode(text, i).length;
        ++count;
    }
    return count;
}

std::string_view cut_to_characters(std::string_view text, std::size_t max_characters) noexcept {
    std::size_t i = 0;
    std::size_t count = 0;
    while (i < text.size() && count < max_characters) {
        i += decode(text, i).length;
        ++count;
    }
    return text.substr(0, i);
}

} // namespace heregoes::dialog
