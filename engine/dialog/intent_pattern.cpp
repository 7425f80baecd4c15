// Intent pattern options and checking (intent_pattern.hpp).

#include "engine/dialog/intent_pattern.hpp"

namespace heregoes::dialog {

RE2::Options intent_pattern_options(std::int64_t max_mem) {
    RE2::Options options;
    options.set_log_errors(false);
    options.set_case_sensitive(false);
    options.set_encoding(RE2::Options::EncodingUTF8);
    options.set_max_mem(max_mem);
    return options;
}

std::optional<std::string> check_intent_pattern(std::string_view source) {
    if (source.empty()) {
        return std::string("the pattern is empty and would match every text");
    }
    const RE2 re(re2::StringPiece(source.data(), source.size()),
                 intent_pattern_options(max_pattern_memory));
    if (!re.ok()) {
        return re.error();
    }
    return std::nullopt;
}

} // namespace heregoes::dialog
