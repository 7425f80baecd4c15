// The terminal conversation of `heregoes chat`; see terminal_chat.hpp.

#include "engine/authoring/terminal_chat.hpp"

#include "engine/core/bot_message.hpp"
#include "engine/dialog/turn.hpp"

#include <charconv>

namespace heregoes::authoring {
namespace {

// A typed line longer than this is cut before it reaches the dialog; the runtime matches only the
// start of long text anyway, and this keeps a pasted file from being held in memory twice.
constexpr std::size_t max_input_line_bytes = 8192;

constexpr std::string_view commands_help =
    "  type a choice's number or its words, or type anything in your own words\n"
    "  /restart   start the conversation again\n"
    "  /help-now  show where to get urgent help\n"
    "  /quit      leave (or press Ctrl-D)\n";

std::string trimmed(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) {
        s.remove_prefix(1);
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
        s.remove_suffix(1);
    }
    return std::string(s);
}

bool same_words(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        const auto lower = [](char c) {
            return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c;
        };
        if (lower(a[i]) != lower(b[i])) {
            return false;
        }
    }
    return true;
}

void print_messages(const std::vector<bot_message>& messages, std::ostream& out) {
    for (const auto& m : messages) {
        out << '[' << to_string(m.topic);
        for (const auto& flag : flag_names(m.flags)) {
            out << ", " << flag;
        }
        out << "] " << m.text << '\n';
        for (std::size_t i = 0; i < m.choices.size(); ++i) {
            out << "    " << (i + 1) << ". " << m.choices[i].label << '\n';
        }
    }
}

} // namespace

void run_terminal_chat(const dialog::dialog& d,
                       const safety::gate& gate,
                       const chat_settings& settings,
                       std::istream& in,
                       std::ostream& out) {
    dialog::session s = dialog::new_session(d, settings.locale, settings.seed);
    dialog::turn_output turn;
    dialog::step(d, gate, s, dialog::input{dialog::input::kind::start, {}}, turn);
    if (settings.interactive) {
        out << "(" << d.id() << " v" << d.version() << ", " << settings.locale
            << "; /quit to leave, /restart to start again)\n";
    }
    print_messages(turn.messages, out);
    std::vector<choice> offered =
        turn.messages.empty() ? std::vector<choice>{} : turn.messages.back().choices;
    std::string line;
    while (true) {
        if (settings.interactive) {
            out << "> " << std::flush;
        }
        if (!std::getline(in, line)) {
            break;
        }
        if (line.size() > max_input_line_bytes) {
            line.resize(max_input_line_bytes);
        }
        const std::string typed = trimmed(line);
        if (typed.empty()) {
            continue;
        }
        if (typed == "/quit" || typed == "/exit") {
            break;
        }
        if (typed == "/help" || typed == "/?") {
            out << commands_help;
            continue;
        }
        dialog::input input{dialog::input::kind::text, typed};
        if (typed == "/restart") {
            input = {dialog::input::kind::restart, {}};
        } else if (typed == "/help-now") {
            input = {dialog::input::kind::choice, "safety.help_now"};
        } else {
            std::size_t number = 0;
            const auto [p, ec] = std::from_chars(typed.data(), typed.data() + typed.size(), number);
            if (ec == std::errc{} && p == typed.data() + typed.size() && number >= 1 &&
                number <= offered.size()) {
                input = {dialog::input::kind::choice, offered[number - 1].id};
            } else {
                for (const auto& c : offered) {
                    if (same_words(c.label, typed)) {
                        input = {dialog::input::kind::choice, c.id};
                    }
                }
            }
        }
        const auto status = dialog::step(d, gate, s, input, turn);
        if (status == dialog::turn_status::unknown_choice) {
            out << "(that choice is not offered now)\n";
            continue;
        }
        print_messages(turn.messages, out);
        if (!turn.messages.empty()) {
            offered = turn.messages.back().choices;
        }
        if (turn.ended) {
            out << "(the conversation has ended; type anything to start again"
                << (settings.interactive ? ", or /quit to leave" : "") << ")\n";
            offered.clear();
        }
        if (turn.forget_requested) {
            out << "(you asked to forget this conversation; the chat tool keeps nothing)\n";
        }
    }
}

} // namespace heregoes::authoring
