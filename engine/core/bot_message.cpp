// Flag names for protocol frames.

#include "engine/core/bot_message.hpp"

namespace heregoes {

std::vector<std::string> flag_names(std::uint32_t flags) {
    std::vector<std::string> names;
    if ((flags & flag_crisis) != 0) {
        names.emplace_back("crisis");
    }
    if ((flags & flag_help_note) != 0) {
        names.emplace_back("help_note");
    }
    if ((flags & flag_opener_card) != 0) {
        names.emplace_back("opener_card");
    }
    if ((flags & flag_disclosure) != 0) {
        names.emplace_back("disclosure");
    }
    return names;
}

} // namespace heregoes
