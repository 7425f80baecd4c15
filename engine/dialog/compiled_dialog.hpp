#pragma once

// The compiled tables behind a dialog (dialog.hpp): runtime internals shared by the compiler, the
// turn, migration and the codec, and by nothing else. Everything a turn needs is an index away:
// states, choices and routes refer to states by index, text by index into per-locale templates,
// intents by index into per-locale pattern sets.

#include "engine/core/topic.hpp"
#include "engine/dialog/condition.hpp"
#include "engine/dialog/model.hpp"
#include "engine/dialog/session.hpp"

#include <re2/re2.h>
#include <re2/set.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace heregoes::dialog::detail {

// Most distinct intents a dialog's graph may use; the turn marks matched intents in a bitset of
// this size on the stack, so no allocation happens per turn.
inline constexpr std::size_t max_intents = 512;

using text_index = std::uint32_t;
using intent_index = std::uint16_t;

// A piece of a string template: literal text, or a session variable filled at turn time.
struct segment {
    bool is_variable = false;
    variable_index variable = 0;
    std::string literal;
};

// A string of one locale, pre-split. Deployment variables are already filled in; when no session
// variable remains, `plain` holds the whole text and its length in characters.
struct text_template {
    std::vector<segment> segments;
    bool is_plain = true;
    std::string plain;
    std::uint32_t plain_characters = 0;
};

struct compiled_assignment {
    variable_index variable = 0;
    std::string value;
};

struct compiled_say {
    bool help_note = false;
    std::vector<text_index> variants; // at least one unless help_note
    std::optional<std::uint32_t> typing_ms;
    condition_program condition; // empty: always
    std::uint32_t flags = 0;
};

struct compiled_choice {
    std::string id;
    text_index label = 0;
    state_index target = 0;
    std::vector<compiled_assignment> set;
    condition_program condition;
};

struct compiled_intent_route {
    intent_index intent = 0;
    state_index target = 0;
    std::vector<compiled_assignment> set;
};

struct compiled_no_match {
    std::vector<text_index> reprompts;
    state_index target = 0;
};

struct compiled_next {
    condition_program condition;
    state_index target = 0;
};

struct compiled_state {
    std::string id;
    heregoes::topic topic = heregoes::topic::fallback;
    std::vector<compiled_assignment> set;
    std::vector<compiled_say> say;
    std::vector<compiled_choice> choices;
    std::vector<compiled_intent_route> intents;
    bool has_capture = false;
    variable_index capture_variable = 0;
    state_index capture_target = 0;
    std::optional<compiled_no_match> no_match;
    std::vector<compiled_next> next;
    bool has_call = false;
    state_index call_state = 0;
    state_index call_return = 0;
    bool is_return = false;
    bool is_end = false;
    std::uint8_t max_visits = 0; // 0: unbounded
    state_index on_max_visits = 0;
    bool waits = false;
};

struct compiled_route {
    intent_index intent = 0;
    enum global_route::action action = global_route::action::go;
    bool has_target = false;
    state_index target = 0;
    bool always = false;
};

struct variable_info {
    std::string name;
    bool sensitive = false;
    bool from_deployment = false;
    std::size_t max_length = default_capture_max_length;
    std::string deployment_value; // the configured value (or default) of a deployment variable
};

// One locale's strings and patterns.
struct locale_data {
    std::string locale;
    std::vector<text_template> texts; // by text_index
    // Every pattern of every used intent in one set; matching a text against all of them is one
    // pass. `pattern_intent` maps a pattern's index in the set to its intent.
    std::unique_ptr<RE2::Set> pattern_set;
    std::vector<intent_index> pattern_intent;
    // The same patterns one by one, used only if the set cannot run (re2 ran out of DFA memory).
    std::vector<std::unique_ptr<RE2>> patterns;
};

struct dialog_data {
    heregoes::dialog::model source;
    std::string id;
    std::uint32_t version = 0;
    std::vector<std::string> locale_names;
    state_index start = 0;
    std::vector<compiled_state> states;
    std::map<std::string, state_index, std::less<>> state_lookup;
    std::vector<variable_info> variables;
    std::vector<compiled_route> routes;
    std::optional<compiled_no_match> default_no_match;
    std::map<std::string, state_index, std::less<>> migrate; // old state id -> state
    std::vector<std::string> text_ids;                       // by text_index
    std::vector<std::string> intent_ids;                     // by intent_index
    std::vector<locale_data> locales;
    // Where a turn goes when it exceeds its automatic-step bound or a call stack breaks: a state
    // that waits, so the person can always go on. Absent when the dialog has no waiting state
    // (then the turn ends the dialog instead).
    std::optional<state_index> safe_fallback;

    // The locale's tables; nullptr when the dialog lacks the locale.
    const locale_data* find_locale(std::string_view locale) const noexcept {
        for (const locale_data& l : locales) {
            if (l.locale == locale) {
                return &l;
            }
        }
        return nullptr;
    }
};

} // namespace heregoes::dialog::detail
