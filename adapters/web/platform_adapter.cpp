// The platform-neutral half of every adapter: mapping events to engine input and rendering choices
// where a platform has no buttons. Numbered text is the fallback the SMS adapter uses for every
// message, and the others use when a message offers more choices than the platform can show.

#include "adapters/web/platform_adapter.hpp"

#include "adapters/web/client_frame.hpp"

#include <charconv>

namespace heregoes::adapters {

std::optional<dialog::input> to_engine_input(const platform_event& event) {
    dialog::input in;
    switch (event.kind) {
    case platform_event::kind::start:
        in.kind = dialog::input::kind::start;
        return in;
    case platform_event::kind::text:
        in.kind = dialog::input::kind::text;
        in.value = event.value;
        return in;
    case platform_event::kind::choice:
        in.kind = dialog::input::kind::choice;
        in.value = event.value;
        return in;
    case platform_event::kind::restart:
        in.kind = dialog::input::kind::restart;
        return in;
    case platform_event::kind::forget:
        return std::nullopt;
    }
    return std::nullopt;
}

bool fits_buttons(const bot_message& message, const platform_capabilities& caps) {
    if (message.choices.empty()) {
        return true;
    }
    if (!caps.buttons || message.choices.size() > caps.max_buttons) {
        return false;
    }
    if (caps.max_label_chars == 0) {
        return true;
    }
    for (const auto& c : message.choices) {
        if (web::count_code_points(c.label) > caps.max_label_chars) {
            return false;
        }
    }
    return true;
}

std::string render_numbered(const bot_message& message) {
    std::string out = message.text;
    std::size_t number = 1;
    for (const auto& c : message.choices) {
        out += number == 1 ? "\n\n" : "\n";
        out += std::to_string(number++);
        out += ". ";
        out += c.label;
    }
    return out;
}

std::optional<std::string_view> numbered_choice(std::string_view reply,
                                                std::span<const choice> offered) {
    const auto first = reply.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) {
        return std::nullopt;
    }
    reply.remove_prefix(first);
    const auto last = reply.find_last_not_of(" \t\r\n.)");
    reply = reply.substr(0, last + 1);
    std::size_t number = 0;
    const auto [end, ec] = std::from_chars(reply.data(), reply.data() + reply.size(), number);
    if (ec != std::errc{} || end != reply.data() + reply.size() || number == 0 ||
        number > offered.size()) {
        return std::nullopt;
    }
    return std::string_view(offered[number - 1].id);
}

} // namespace heregoes::adapters
