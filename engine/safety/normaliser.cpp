// The text normaliser of the safety screen (see normaliser.hpp). It works in three passes: decode
// UTF-8 and fold every character into lower-case ASCII words and punctuation tokens; rejoin
// shorthand typed letter by letter ("k.m.s"); then cut stretched letters and expand shorthand,
// once keeping doubled letters and once squeezing them, so "killll" and "dieeee" both match.

#include "engine/safety/normaliser.hpp"

#include <algorithm>
#include <array>
#include <cstdint>

namespace heregoes::safety {
namespace {

// A stretched run is this many repeats of one letter or more; "soo" is ordinary spelling.
constexpr std::size_t stretched_run = 3;

// Longest letter-by-letter shorthand rejoined ("k.m.s", "k y s"): shorthand keys are short.
constexpr std::size_t max_spelled_letters = 6;

constexpr char32_t invalid_code_point = 0xFFFFFFFF;

// Decodes one code point at `pos`, advancing it; invalid or truncated sequences consume one byte.
char32_t decode_utf8(std::string_view s, std::size_t& pos) {
    const auto byte = [&](std::size_t i) {
        return static_cast<unsigned char>(s[i]);
    };
    const unsigned char b0 = byte(pos);
    std::size_t len = 0;
    char32_t cp = 0;
    char32_t min = 0;
    if (b0 < 0x80) {
        ++pos;
        return b0;
    } else if ((b0 & 0xE0) == 0xC0) {
        len = 2, cp = b0 & 0x1F, min = 0x80;
    } else if ((b0 & 0xF0) == 0xE0) {
        len = 3, cp = b0 & 0x0F, min = 0x800;
    } else if ((b0 & 0xF8) == 0xF0) {
        len = 4, cp = b0 & 0x07, min = 0x10000;
    } else {
        ++pos;
        return invalid_code_point;
    }
    if (pos + len > s.size()) {
        ++pos;
        return invalid_code_point;
    }
    for (std::size_t i = 1; i < len; ++i) {
        const unsigned char b = byte(pos + i);
        if ((b & 0xC0) != 0x80) {
            ++pos;
            return invalid_code_point;
        }
        cp = (cp << 6) | (b & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        ++pos;
        return invalid_code_point;
    }
    pos += len;
    return cp;
}

// Latin-1 letters U+00C0..U+00FF folded to ASCII for matching ("á" -> "a", "ß" -> "ss").
// An empty entry is not a letter (× and ÷) and becomes a space.
constexpr std::array<const char*, 64> latin1_fold = {
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i",  "i",
    "d", "n", "o", "o", "o", "o", "o",  "",  "o", "u", "u", "u", "u", "y", "th", "ss",
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i",  "i",
    "d", "n", "o", "o", "o", "o", "o",  "",  "o", "u", "u", "u", "u", "y", "th", "y",
};

// Latin Extended-A (U+0100..U+017F) folded by range: each row is the first code point of a run
// of letters sharing one base letter.
struct fold_range {
    char32_t first;
    const char* base;
};
constexpr std::array<fold_range, 24> latin_ext_a_fold = {{
    {0x0100, "a"}, {0x0106, "c"}, {0x010E, "d"},     {0x0112, "e"},     {0x011C, "g"},
    {0x0124, "h"}, {0x0128, "i"}, {0x0132, "ij"},    {0x0134, "j"},     {0x0136, "k"},
    {0x0139, "l"}, {0x0143, "n"}, {0x014C, "o"},     {0x0152, "oe"},    {0x0154, "r"},
    {0x015A, "s"}, {0x0162, "t"}, {0x0168, "u"},     {0x0174, "w"},     {0x0176, "y"},
    {0x0179, "z"}, {0x017F, "s"}, {0x0180, nullptr}, {0x0180, nullptr},
}};

const char* fold_latin_ext_a(char32_t cp) {
    const char* base = nullptr;
    for (const auto& r : latin_ext_a_fold) {
        if (r.base == nullptr || cp < r.first) {
            break;
        }
        base = r.base;
    }
    return base;
}

// Emoji that carry meaning for the screen become words the packs can name. The pill emoji is a
// known risk cue (clinical.md §5.2); laughing emoji mark hyperbole ("I'm dead 😂").
const char* emoji_word(char32_t cp) {
    switch (cp) {
    case 0x1F48A:
        return "emojipill";
    case 0x1F602:
    case 0x1F923:
    case 0x1F606:
    case 0x1F639:
    case 0x1F605:
        return "emojilaugh";
    case 0x1F480:
    case 0x2620:
        return "emojiskull";
    case 0x1F52A:
    case 0x1F5E1:
        return "emojiknife";
    case 0x1F52B:
        return "emojigun";
    case 0x1FAA2:
        return "emojirope";
    case 0x26B0:
    case 0x1FAA6:
        return "emojigrave";
    case 0x1FA78:
        return "emojiblood";
    case 0x1F62D:
    case 0x1F622:
    case 0x1F61E:
    case 0x1F614:
        return "emojisad";
    default:
        return nullptr;
    }
}

void push_word(std::string& out, std::string_view word) {
    if (!out.empty() && out.back() != ' ') {
        out += ' ';
    }
    out += word;
    out += ' ';
}

void push_space(std::string& out) {
    if (!out.empty() && out.back() != ' ') {
        out += ' ';
    }
}

// Pass 1: folds characters into lower-case ASCII words separated by single spaces, with "." and
// "," as tokens of their own.
std::string fold(std::string_view input) {
    std::string out;
    out.reserve(input.size() + 16);
    std::size_t pos = 0;
    while (pos < input.size()) {
        const std::size_t start = pos;
        const char32_t cp = decode_utf8(input, pos);
        if (cp == invalid_code_point) {
            push_space(out);
        } else if (cp < 0x80) {
            const char c = static_cast<char>(cp);
            if (c >= 'A' && c <= 'Z') {
                out += static_cast<char>(c - 'A' + 'a');
            } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
                out += c;
            } else if (c == '\'' || c == '`') {
                // "don't" -> "dont": the packs spell contractions without apostrophes.
            } else if (c == '.' || c == '!' || c == '?' || c == ';' || c == ':') {
                push_word(out, ".");
            } else if (c == ',') {
                push_word(out, ",");
            } else {
                push_space(out);
            }
        } else if (cp >= 0xC0 && cp <= 0xFF) {
            const char* f = latin1_fold[cp - 0xC0];
            if (*f == '\0') {
                push_space(out);
            } else {
                out += f;
            }
        } else if (cp >= 0x100 && cp < 0x180) {
            const char* f = fold_latin_ext_a(cp);
            if (f == nullptr) {
                push_space(out);
            } else {
                out += f;
            }
        } else if (cp == 0x2018 || cp == 0x2019 || cp == 0x02BC || cp == 0x00B4 || cp == 0x2032) {
            // Curly and modifier apostrophes behave like "'".
        } else if (cp == 0x2026) {
            push_word(out, ".");
        } else if (cp == 0x200D || (cp >= 0xFE00 && cp <= 0xFE0F) ||
                   (cp >= 0x1F3FB && cp <= 0x1F3FF)) {
            // Joiners, variation selectors and skin tones carry no meaning for the screen.
        } else if (const char* word = emoji_word(cp)) {
            push_word(out, word);
        } else if ((cp >= 0x0180 && cp < 0x2000) ||
                   (cp >= 0x3040 && cp < 0xFFF0 && !(cp >= 0xFE00 && cp <= 0xFE6F))) {
            // Letters of other scripts are kept as typed; no pack matches them yet.
            out.append(input.substr(start, pos - start));
        } else {
            push_space(out);
        }
    }
    while (!out.empty() && out.back() == ' ') {
        out.pop_back();
    }
    return out;
}

std::vector<std::string_view> split_words(std::string_view s) {
    std::vector<std::string_view> words;
    std::size_t i = 0;
    while (i < s.size()) {
        const std::size_t next = s.find(' ', i);
        const std::size_t end = next == std::string_view::npos ? s.size() : next;
        if (end > i) {
            words.push_back(s.substr(i, end - i));
        }
        i = end + 1;
    }
    return words;
}

bool is_single_letter(std::string_view w) {
    return w.size() == 1 && w[0] >= 'a' && w[0] <= 'z';
}

// Pass 2: rejoins shorthand typed letter by letter ("k . m . s", "k m s") when the joined letters
// are a shorthand key; other single letters are left alone.
std::vector<std::string> join_spelled(const std::vector<std::string_view>& words,
                                      const shorthand_table& shorthand) {
    std::vector<std::string> out;
    out.reserve(words.size());
    std::size_t i = 0;
    while (i < words.size()) {
        if (is_single_letter(words[i])) {
            // Collect letters separated by nothing or by "." tokens.
            std::string letters;
            std::size_t j = i;
            std::size_t best_end = 0;
            std::string best;
            while (j < words.size() && letters.size() < max_spelled_letters &&
                   is_single_letter(words[j])) {
                letters += words[j][0];
                ++j;
                if (letters.size() >= 2 && !shorthand.find(letters).empty()) {
                    best = letters;
                    best_end = j;
                }
                if (j < words.size() && words[j] == "." && j + 1 < words.size() &&
                    is_single_letter(words[j + 1])) {
                    ++j;
                }
            }
            if (!best.empty()) {
                out.push_back(std::move(best));
                i = best_end;
                continue;
            }
        }
        out.emplace_back(words[i]);
        ++i;
    }
    return out;
}

// Cuts runs of `stretched_run` or more of one letter to `keep` letters; returns whether any run
// was cut.
bool cut_runs(std::string& word, std::size_t keep) {
    std::string out;
    bool cut = false;
    std::size_t i = 0;
    while (i < word.size()) {
        std::size_t j = i;
        while (j < word.size() && word[j] == word[i]) {
            ++j;
        }
        const std::size_t run = j - i;
        const bool letter = word[i] >= 'a' && word[i] <= 'z';
        if (letter && run >= stretched_run) {
            out.append(keep, word[i]);
            cut = true;
        } else {
            out.append(run, word[i]);
        }
        i = j;
    }
    word = std::move(out);
    return cut;
}

void append_expanded(std::string& out, const std::string& word, const shorthand_table& shorthand) {
    if (!out.empty()) {
        out += ' ';
    }
    const std::string_view replacement = shorthand.find(word);
    if (replacement.empty()) {
        out += word;
    } else {
        out += replacement;
    }
}

} // namespace

shorthand_table::shorthand_table(std::vector<std::pair<std::string, std::string>> entries) {
    std::stable_sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
        return a.first < b.first;
    });
    for (auto& e : entries) {
        if (entries_.empty() || entries_.back().first != e.first) {
            entries_.push_back(std::move(e));
        }
    }
}

std::string_view shorthand_table::find(std::string_view word) const noexcept {
    const auto it = std::lower_bound(
        entries_.begin(), entries_.end(), word, [](const auto& e, std::string_view w) {
            return std::string_view(e.first) < w;
        });
    if (it == entries_.end() || it->first != word) {
        return {};
    }
    return it->second;
}

normalised_text normalise(std::string_view input, const shorthand_table& shorthand) {
    if (input.size() > max_screened_bytes) {
        std::size_t cut = max_screened_bytes;
        // Step back to a character boundary so a multi-byte character is not split.
        while (cut > 0 && (static_cast<unsigned char>(input[cut]) & 0xC0) == 0x80) {
            --cut;
        }
        input = input.substr(0, cut);
    }
    const std::string folded = fold(input);
    const std::vector<std::string> words = join_spelled(split_words(folded), shorthand);

    normalised_text result;
    result.text.reserve(folded.size() + 16);
    std::string squeezed;
    bool any_cut = false;
    for (const auto& w : words) {
        std::string doubled = w;
        std::string single = w;
        const bool cut = cut_runs(doubled, 2);
        cut_runs(single, 1);
        any_cut = any_cut || cut;
        append_expanded(result.text, doubled, shorthand);
        append_expanded(squeezed, cut ? single : doubled, shorthand);
    }
    if (any_cut) {
        result.squeezed = std::move(squeezed);
    }
    return result;
}

} // namespace heregoes::safety
