#pragma once

// The safety layer's fixed, reviewed messages for one locale, rendered once at load time for the
// deployment's region and options. Strings live in dialogs/safety/messages/<locale>.json and carry
// placeholders ({emergency}, {crisis_lines}, ...) filled from the region's crisis resources, so no
// number is ever written into message text and a turn only copies finished messages.

#include "engine/core/bot_message.hpp"
#include "engine/core/expected.hpp"
#include "engine/safety/crisis_resources.hpp"

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace heregoes::safety {

// Largest messages file read.
inline constexpr std::size_t max_messages_file_bytes = 256 << 10;

// Options that change what the messages say.
struct message_options {
    bool chat_is_read = false; // whether anyone at the deployment reads the chat
    bool quick_exit = true;    // whether the channel shows an Exit button (web widget)
};

// Raw strings of one locale, as loaded (id -> text with placeholders).
struct message_strings {
    std::string locale;
    std::map<std::string, std::string, std::less<>> strings;
    std::string where; // the file, for messages
};

// Ids every messages file must define: the messages, the labels of their quick replies
// ("label.safety.yes") and the parts messages are built from.
const std::vector<std::string>& required_message_ids();

// Parses a messages file; JSON syntax, nesting and duplicate-key errors name file:line:column,
// errors in the fields name the JSON pointer of the bad field and any missing id.
expected<message_strings> parse_messages(std::string_view json_text, std::string_view where);

// Reads and parses dialogs/safety/messages/<locale>.json.
expected<message_strings> load_messages(const std::string& path);

// Every message of one locale, rendered for one region and set of options.
class message_catalog {
public:
    // Renders all messages; fails when a string names an unknown placeholder.
    static expected<message_catalog> render(const message_strings& strings,
                                            const region_resources& region,
                                            const message_options& options);

    // The rendered message with this id ("safety.crisis.self_harm"); the id must be known.
    const bot_message& get(std::string_view id) const;

private:
    std::map<std::string, bot_message, std::less<>> messages_;
};

} // namespace heregoes::safety
