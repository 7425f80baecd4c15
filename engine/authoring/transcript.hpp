#pragma once

// A golden transcript (`*.transcript`, docs/dialog-format.md): a header naming the dialog, locale,
// seed, an optional start state and preset variables, then the steps of one conversation — the
// inputs a person gives and the bot messages expected back. This file only parses; running a
// transcript against a dialog is transcript_runner.hpp.

#include "engine/core/expected.hpp"
#include "engine/core/topic.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace heregoes::authoring {

// A transcript is hand-written test data; anything larger is a mistake (or not a transcript).
inline constexpr std::size_t max_transcript_bytes = 1u << 20;

struct transcript_step {
    enum class kind : std::uint8_t {
        bot,     // the next bot message has id `value` (and topic `topic`, when given)
        choices, // the last matched message offers exactly `ids`, in this order
        choose,  // press the quick reply `value`
        say,     // type the free text `value`
        restart, // start the dialog over
    };
    kind kind = kind::bot;
    std::size_t line = 0;                   // 1-based line in the transcript file
    std::string value;                      // text id, choice id or typed text
    std::optional<heregoes::topic> topic{}; // bot: expected topic, when `@topic` was written
    std::vector<std::string> ids;           // choices: expected choice ids
};

struct preset_variable {
    std::string name;
    std::string value;
    std::size_t line = 0;
};

struct transcript {
    std::string file;      // as given to the parser, for messages
    std::string dialog_id; // required: `dialog ID`
    std::size_t dialog_line = 0;
    std::string locale = "en";
    std::uint64_t seed = 1;
    std::string start_state; // empty: the dialog's own start
    std::size_t start_line = 0;
    std::vector<preset_variable> preset;
    std::vector<preset_variable> deployment; // `deploy name=value`: deployment variable values
    std::vector<transcript_step> steps;
};

// Parses transcript text; errors name `file:line:column` and say what was expected there.
expected<transcript> parse_transcript(std::string_view text, std::string_view file);

// Reads and parses a transcript file; a missing or oversized file is an error value.
expected<transcript> load_transcript(const std::string& path);

} // namespace heregoes::authoring
