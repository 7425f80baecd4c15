// The screen (see screener.hpp): normalise, mask guarded spans, run the risk set once per
// normalised form and union the categories.

#include "engine/safety/screener.hpp"

#include <array>
#include <vector>

namespace heregoes::safety {
namespace {

// Words that replace masked spans. They are not words of any locale, so no pattern matches them,
// and they keep word boundaries intact around the mask.
constexpr std::array<std::string_view, 3> mask_words = {" zzidiom ", " zzneg ", " zzinfo "};

// Masks every guarded span of `text`; sets `informational` when an informational frame matched.
std::string mask_guards(const RE2& guards, const std::string& text, bool& informational) {
    std::string out;
    out.reserve(text.size() + 16);
    const re2::StringPiece input(text);
    std::array<re2::StringPiece, 4> groups;
    std::size_t pos = 0;
    while (pos <= text.size() && guards.Match(input,
                                              pos,
                                              text.size(),
                                              RE2::UNANCHORED,
                                              groups.data(),
                                              static_cast<int>(groups.size()))) {
        const auto start = static_cast<std::size_t>(groups[0].data() - text.data());
        const std::size_t end = start + groups[0].size();
        out.append(text, pos, start - pos);
        std::size_t kind = 0;
        for (std::size_t g = 1; g < groups.size(); ++g) {
            if (groups[g].data() != nullptr) {
                kind = g - 1;
                break;
            }
        }
        informational =
            informational || kind == static_cast<std::size_t>(guard_kind::informational);
        out += mask_words[kind];
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
    return out;
}

// Runs the risk set over one normalised form and ORs the matched categories into `result`.
void scan(const pattern_pack& pack,
          const std::string& text,
          screen_result& result,
          std::vector<int>& hits) {
    const std::string masked = mask_guards(pack.guards(), text, result.informational);
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
    scan(pack, norm.text, result, hits);
    if (!norm.squeezed.empty()) {
        scan(pack, norm.squeezed, result, hits);
    }
    return result;
}

} // namespace heregoes::safety
