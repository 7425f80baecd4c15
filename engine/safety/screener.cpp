// The screen (see screener.hpp): normalise, mask guarded spans (a report about someone else
// counts as its category there), run the risk set once per normalised form and union the
// categories.

#include "engine/safety/screener.hpp"

#include <array>
#include <vector>

namespace heregoes::safety {
namespace {

// Words that replace masked spans, one per guard_kind. They are not words of any locale, so no
// pattern matches them by accident. A pack may name `zzother` on purpose: it stands where a
// report about someone else was, so a pattern can catch the writer joining in ("my friend wants
// to die and so do i" -> "zzother and so do i").
constexpr std::array<std::string_view, 4> mask_words = {"zzidiom", "zzneg", "zzinfo", "zzother"};

// Appends a mask word with exactly one space on each side that has a neighbour, as the normaliser
// spaces words, so patterns that name a mask word read the text around it as usual.
void append_mask(std::string& out,
                 std::string_view word,
                 const std::string& text,
                 std::size_t end) {
    if (!out.empty() && out.back() != ' ') {
        out += ' ';
    }
    out += word;
    if (end < text.size() && text[end] != ' ') {
        out += ' ';
    }
}

// The part of the pack a guarded span [start, end) belongs to: the first, in guard_kind order,
// that matches exactly that span. The combined guard tries its alternatives in the same order, so
// this is the part that produced the span; nullptr only if RE2 disagrees with itself.
const guard_part* part_of(const pattern_pack& pack,
                          const re2::StringPiece& input,
                          std::size_t start,
                          std::size_t end) {
    for (const guard_part& part : pack.guard_parts()) {
        if (part.pattern->Match(input, start, end, RE2::ANCHOR_BOTH, nullptr, 0)) {
            return &part;
        }
    }
    return nullptr;
}

// Masks every guarded span of `text` into `out`. Sets `informational` when an informational frame
// matched, and ORs the category of every report about someone else into `bits`.
void mask_guards(const pattern_pack& pack,
                 const std::string& text,
                 std::string& out,
                 bool& informational,
                 risk_bits& bits) {
    out.clear();
    out.reserve(text.size() + 16);
    const re2::StringPiece input(text);
    re2::StringPiece span;
    std::size_t pos = 0;
    while (pos <= text.size() &&
           pack.guards().Match(input, pos, text.size(), RE2::UNANCHORED, &span, 1)) {
        const auto start = static_cast<std::size_t>(span.data() - text.data());
        const std::size_t end = start + span.size();
        out.append(text, pos, start - pos);
        const guard_part* part = part_of(pack, input, start, end);
        const guard_kind kind = part != nullptr ? part->kind : guard_kind::idiom;
        if (kind == guard_kind::someone_else) {
            bits |= bit(part->category);
        }
        informational = informational || kind == guard_kind::informational;
        append_mask(out, mask_words[static_cast<std::size_t>(kind)], text, end);
        if (end == start) {
            // Guards never match empty text (the pack loader rejects that), but stay safe.
            if (end < text.size()) {
                out += text[end];
            }
            pos = end + 1;
        } else {
            pos = end;
        }
    }
    if (pos < text.size()) {
        out.append(text, pos, std::string::npos);
    }
}

// Runs the risk set over one normalised form and ORs the matched categories into `result`.
void scan(const pattern_pack& pack,
          const std::string& text,
          screen_result& result,
          std::string& masked,
          std::vector<int>& hits) {
    mask_guards(pack, text, masked, result.informational, result.bits);
    hits.clear();
    RE2::Set::ErrorInfo info{RE2::Set::kNoError};
    if (!pack.risks().Match(masked, &hits, &info)) {
        if (info.kind != RE2::Set::kNoError) {
            result.scan_failed = true;
        }
        return;
    }
    for (const int i : hits) {
        result.bits |= bit(pack.category_of(i));
    }
}

} // namespace

screen_result screen(const pattern_pack& pack, std::string_view message) {
    screen_result result;
    const normalised_text norm = normalise(message, pack.shorthand());
    std::vector<int> hits;
    hits.reserve(16);
    std::string masked;
    scan(pack, norm.text, result, masked, hits);
    if (!norm.squeezed.empty()) {
        scan(pack, norm.squeezed, result, masked, hits);
    }
    return result;
}

} // namespace heregoes::safety
