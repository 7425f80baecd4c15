// The turn (turn.hpp): the dialog semantics of docs/dialog-format.md over the compiled tables.
// One turn runs in three parts: the safety gate looks at the input first (and may answer it
// itself, take the turn over, or add one help line); the dialog handles what the gate passed (a
// choice, or free text through intents, routes, capture and no-match); then the turn is finished:
// the waiting state's choices go on the last message, every message gets its seq, and the last one
// awaits input. Every automatic move is bounded, so a broken graph cannot make a turn loop.

#include "engine/dialog/turn.hpp"

#include "engine/dialog/compiled_dialog.hpp"
#include "engine/dialog/dialog.hpp"
#include "engine/dialog/normalise.hpp"

#include <algorithm>
#include <bitset>

namespace heregoes::dialog {
namespace {

using namespace detail;

// Pacing: typing_ms = clamp(base + per character × characters, min, max). Long enough that a
// message reads as typed, short enough that nobody waits more than a few seconds.
constexpr std::uint32_t typing_base_ms = 300;
constexpr std::uint32_t typing_per_character_ms = 30;
constexpr std::uint32_t typing_min_ms = 600;
constexpr std::uint32_t typing_max_ms = 3500;

// Most states one turn may enter through next, call, return and max_visits redirections. A real
// dialog chains a handful; beyond this the graph has a cycle without a waiting state, and the
// turn goes to the safe fallback instead of looping.
constexpr std::size_t max_automatic_steps = 64;

// Deepest nesting of sub-dialog calls. The dialogs nest one or two levels; a deeper stack means a
// call cycle, which goes to the safe fallback.
constexpr std::size_t max_call_depth = 8;

// Most emptied strings a turn_output keeps for reuse. A turn says a handful of messages with a
// handful of choices; the gate's messages are recycled too, so without a bound a run of crisis
// turns would grow the spares for nothing.
constexpr std::size_t max_spare_strings = 32;

// Gives `s` (empty) a spare string's storage when it would otherwise allocate for `size` bytes.
void reuse_storage(std::string& s, std::size_t size, std::vector<std::string>& spares) {
    if (size > s.capacity() && !spares.empty()) {
        s = std::move(spares.back());
        spares.pop_back();
    }
}

// The splitmix64 mixer: a fast, well-distributed hash of 64 bits, so variant picks are
// deterministic from (seed, seq) and look random across sessions.
std::uint64_t splitmix64(std::uint64_t x) noexcept {
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

std::uint32_t typing_ms_for(std::size_t characters) noexcept {
    const std::size_t raw =
        typing_base_ms + typing_per_character_ms * std::min<std::size_t>(characters, typing_max_ms);
    return static_cast<std::uint32_t>(std::clamp<std::size_t>(raw, typing_min_ms, typing_max_ms));
}

std::string_view trim(std::string_view text) noexcept {
    const auto space = [](char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
    };
    while (!text.empty() && space(text.front())) {
        text.remove_prefix(1);
    }
    while (!text.empty() && space(text.back())) {
        text.remove_suffix(1);
    }
    return text;
}

class runner {
public:
    runner(const dialog_data& d, const safety::gate& gate, session& s, turn_output& out)
        : d_(d)
        , gate_(gate)
        , s_(s)
        , out_(out)
        , locale_(d.find_locale(s.locale)) {
        if (locale_ == nullptr) {
            // new_session only accepts the dialog's locales; a session restored onto a dialog
            // without its locale still gets a readable answer in the first locale.
            locale_ = &d.locales.front();
        }
        fit_to_dialog();
    }

    turn_status run(const input& in) {
        switch (in.kind) {
        // A start on a session that already started begins it again, like restart: the
        // server sends start only for fresh sessions, and starting over is the safe reading.
        case input::kind::start:
        case input::kind::restart:
            begin_again(d_.start);
            break;
        case input::kind::choice:
            if (const turn_status st = choice(in.value); st != turn_status::ok) {
                return st;
            }
            break;
        case input::kind::text:
            if (s_.current == session::status::fresh) {
                return turn_status::not_started;
            }
            screen_then(safety::gate_input{safety::gate_input::kind::text, in.value},
                        [this, &in] { text(in.value); });
            break;
        }
        finish();
        return turn_status::ok;
    }

    // Starts over at `state` (start, restart, or a named state for transcript tests).
    void begin_again(state_index state) {
        s_.vars.clear();
        s_.visits.clear();
        s_.call_stack.clear();
        s_.no_match = 0;
        s_.topics_seen = 0;
        enter(state);
    }

    void finish() {
        if (presented_ && !out_.messages.empty()) {
            const compiled_state& st = d_.states[*presented_];
            std::vector<heregoes::choice>& choices = out_.messages.back().choices;
            if (choices.empty()) {
                choices.swap(out_.spare_choices);
            }
            choices.reserve(choices.size() + st.choices.size());
            for (const compiled_choice& c : st.choices) {
                if (!holds(c.condition)) {
                    continue;
                }
                heregoes::choice& added = choices.emplace_back();
                reuse_storage(added.id, c.id.size(), out_.spare_strings);
                added.id = c.id;
                render(locale_->texts[c.label], added.label);
            }
        }
        for (bot_message& m : out_.messages) {
            m.seq = ++s_.seq;
            m.await = false;
        }
        if (!out_.messages.empty()) {
            out_.messages.back().await = true;
        }
    }

private:
    // A session decoded from storage is checked against the dialog before use: indexes that do
    // not fit (a corrupted record, a session paired with the wrong dialog) are dropped rather
    // than followed, so the turn never reads outside the tables.
    void fit_to_dialog() {
        const std::size_t states = d_.states.size();
        if (s_.state >= states) {
            s_.state = d_.start;
            s_.no_match = 0;
        }
        std::erase_if(s_.call_stack, [states](state_index r) { return r >= states; });
        std::erase_if(s_.visits, [states](const visit_count& v) { return v.state >= states; });
        std::erase_if(s_.vars, [this](const variable_value& v) {
            return v.index >= d_.variables.size() || d_.variables[v.index].from_deployment;
        });
    }

    turn_status choice(std::string_view id) {
        if (s_.current == session::status::fresh) {
            return turn_status::not_started;
        }
        const bool safety_choice = id.rfind(safety::choice_prefix, 0) == 0;
        const compiled_choice* picked = nullptr;
        if (!safety_choice) {
            picked = offered_choice(id);
            if (picked == nullptr) {
                return turn_status::unknown_choice;
            }
        }
        const safety::safety_state before = s_.safety;
        const safety::gate_result result = gate_.before_input(
            s_.safety, {safety::gate_input::kind::choice, id}, s_.locale, out_.messages);
        if (safety_choice && (result == safety::gate_result::pass ||
                              result == safety::gate_result::pass_with_note)) {
            // A safety choice the gate did not handle is not offered by anyone.
            s_.safety = before;
            out_.messages.clear();
            return turn_status::unknown_choice;
        }
        after_gate(result, [this, picked] {
            apply(picked->set);
            enter(picked->target);
        });
        return turn_status::ok;
    }

    template <class Handle>
    void screen_then(const safety::gate_input& in, Handle&& handle) {
        const safety::gate_result result =
            gate_.before_input(s_.safety, in, s_.locale, out_.messages);
        after_gate(result, std::forward<Handle>(handle));
    }

    template <class Handle>
    void after_gate(safety::gate_result result, Handle&& handle) {
        switch (result) {
        case safety::gate_result::took_over:
            return;
        case safety::gate_result::answered:
            // A side question answered by the gate: nothing in the dialog moves (state, no-match
            // count, variables), and the person gets the current choices back on the answer.
            if (s_.current == session::status::waiting) {
                presented_ = s_.state;
            }
            return;
        case safety::gate_result::resume:
            if (s_.current == session::status::ended) {
                begin_again(d_.start);
            } else {
                present_again();
            }
            return;
        case safety::gate_result::pass:
        case safety::gate_result::pass_with_note:
            if (s_.current == session::status::ended) {
                begin_again(d_.start);
            } else {
                handle();
            }
            if (result == safety::gate_result::pass_with_note) {
                note(out_.messages.empty() ? d_.states[s_.state].topic
                                           : out_.messages.back().topic);
            }
            return;
        }
    }

    // The gate's help line, keeping the topic of the answer it accompanies. A turn says it at
    // most once: a state's own help_note item and the gate's pass_with_note would otherwise show
    // the same line twice.
    void note(heregoes::topic topic) {
        const bool already_said =
            std::any_of(out_.messages.begin(), out_.messages.end(), [](const bot_message& m) {
                return (m.flags & flag_help_note) != 0;
            });
        if (already_said) {
            return;
        }
        const std::size_t before = out_.messages.size();
        gate_.append_note(s_.safety, s_.locale, out_.messages);
        for (std::size_t i = before; i < out_.messages.size(); ++i) {
            out_.messages[i].topic = topic;
        }
    }

    const compiled_choice* offered_choice(std::string_view id) const {
        if (s_.current != session::status::waiting || s_.state >= d_.states.size()) {
            return nullptr;
        }
        for (const compiled_choice& c : d_.states[s_.state].choices) {
            if (c.id == id && holds(c.condition)) {
                return &c;
            }
        }
        return nullptr;
    }

    void text(std::string_view typed) {
        const compiled_state& st = d_.states[s_.state];
        std::bitset<max_intents> matched;
        bool routes_apply = false;
        for (const compiled_route& r : d_.routes) {
            routes_apply = routes_apply || !st.has_capture || r.always;
        }
        if (!st.intents.empty() || routes_apply) {
            match(typed, matched);
        }
        for (const compiled_intent_route& r : st.intents) {
            if (matched.test(r.intent)) {
                apply(r.set);
                enter(r.target);
                return;
            }
        }
        for (const compiled_route& r : d_.routes) {
            if ((st.has_capture && !r.always) || !matched.test(r.intent)) {
                continue;
            }
            route(r);
            return;
        }
        if (st.has_capture) {
            const variable_info& v = d_.variables[st.capture_variable];
            set_variable(st.capture_variable, cut_to_characters(trim(typed), v.max_length));
            enter(st.capture_target);
            return;
        }
        no_match(st);
    }

    void match(std::string_view typed, std::bitset<max_intents>& matched) {
        normalise_for_matching(typed, out_.scratch_text);
        if (locale_->pattern_set == nullptr) {
            return;
        }
        RE2::Set::ErrorInfo info{};
        if (!locale_->pattern_set->Match(out_.scratch_text, &out_.scratch_matches, &info) &&
            info.kind != RE2::Set::kNoError) {
            // The set's DFA ran out of memory on this text: try the patterns one by one.
            out_.scratch_matches.clear();
            for (std::size_t i = 0; i < locale_->patterns.size(); ++i) {
                if (RE2::PartialMatch(out_.scratch_text, *locale_->patterns[i])) {
                    out_.scratch_matches.push_back(static_cast<int>(i));
                }
            }
        }
        for (const int i : out_.scratch_matches) {
            matched.set(locale_->pattern_intent[static_cast<std::size_t>(i)]);
        }
        // Keep the capacity but not the text: what the person typed does not outlive the turn.
        out_.scratch_text.clear();
    }

    void route(const compiled_route& r) {
        switch (r.action) {
        case global_route::action::go:
            s_.call_stack.clear();
            enter(r.target);
            return;
        case global_route::action::restart:
            begin_again(d_.start);
            return;
        case global_route::action::forget:
            out_.forget_requested = true;
            begin_again(r.has_target ? r.target : d_.start);
            return;
        }
    }

    void no_match(const compiled_state& st) {
        const compiled_no_match* nm = st.no_match           ? &*st.no_match
                                      : d_.default_no_match ? &*d_.default_no_match
                                                            : nullptr;
        if (nm == nullptr) {
            // Nothing to escalate to (the linter flags this): show the state again.
            present_again();
            return;
        }
        if (s_.no_match < 255) {
            ++s_.no_match;
        }
        if (s_.no_match <= nm->reprompts.size()) {
            say_text(nm->reprompts[s_.no_match - 1u], st.topic, std::nullopt, 0);
            presented_ = s_.state;
            return;
        }
        s_.no_match = 0;
        enter(nm->target);
    }

    // Says the current state's messages again without re-entering it (no set, no visit count).
    void present_again() {
        const compiled_state& st = d_.states[s_.state];
        say(st);
        presented_ = s_.state;
        s_.current = session::status::waiting;
    }

    void enter(state_index target) {
        for (std::size_t steps = 0; steps < max_automatic_steps; ++steps) {
            const compiled_state& st = d_.states[target];
            if (st.max_visits != 0) {
                visit_count& visits = visits_of(target);
                if (visits.count >= st.max_visits) {
                    target = st.on_max_visits;
                    continue;
                }
                ++visits.count;
            }
            s_.state = target;
            s_.no_match = 0;
            s_.topics_seen = static_cast<std::uint16_t>(s_.topics_seen |
                                                        (1u << static_cast<unsigned>(st.topic)));
            out_.entered.push_back(target);
            apply(st.set);
            say(st);
            if (st.waits) {
                wait_here();
                return;
            }
            if (!st.next.empty()) {
                const compiled_next* taken = nullptr;
                for (const compiled_next& n : st.next) {
                    if (holds(n.condition)) {
                        taken = &n;
                        break;
                    }
                }
                if (taken == nullptr) {
                    break; // the loader requires an unconditional last branch; be safe anyway
                }
                target = taken->target;
                continue;
            }
            if (st.has_call) {
                if (s_.call_stack.size() >= max_call_depth) {
                    break;
                }
                s_.call_stack.push_back(st.call_return);
                target = st.call_state;
                continue;
            }
            if (st.is_return) {
                if (s_.call_stack.empty()) {
                    break;
                }
                target = s_.call_stack.back();
                s_.call_stack.pop_back();
                continue;
            }
            if (st.is_end) {
                s_.current = session::status::ended;
                s_.call_stack.clear();
                out_.ended = true;
                return;
            }
            // A state that does nothing after its messages (the linter reports it as a dead
            // end): wait here, where global routes and no-match handling still apply.
            wait_here();
            return;
        }
        fall_back();
    }

    void wait_here() {
        s_.current = session::status::waiting;
        presented_ = s_.state;
    }

    // The turn could not settle (a loop without a waiting state, a broken call stack): present
    // the safe fallback state, or end the dialog when it has no waiting state at all.
    void fall_back() {
        s_.call_stack.clear();
        s_.no_match = 0;
        if (!d_.safe_fallback) {
            s_.current = session::status::ended;
            out_.ended = true;
            return;
        }
        s_.state = *d_.safe_fallback;
        out_.entered.push_back(s_.state);
        present_again();
    }

    visit_count& visits_of(state_index state) {
        for (visit_count& v : s_.visits) {
            if (v.state == state) {
                return v;
            }
        }
        return s_.visits.emplace_back(visit_count{state, 0});
    }

    void say(const compiled_state& st) {
        for (const compiled_say& item : st.say) {
            if (!holds(item.condition)) {
                continue;
            }
            if (item.help_note) {
                note(st.topic);
                continue;
            }
            text_index text = item.variants.front();
            if (item.variants.size() > 1) {
                const std::uint64_t seq = s_.seq + out_.messages.size() + 1;
                text = item.variants[splitmix64(s_.seed ^ splitmix64(seq)) % item.variants.size()];
            }
            say_text(text, st.topic, item.typing_ms, item.flags);
        }
    }

    void say_text(text_index text,
                  heregoes::topic topic,
                  std::optional<std::uint32_t> typing_ms,
                  std::uint32_t flags) {
        bot_message& m = out_.messages.emplace_back();
        reuse_storage(m.id, d_.text_ids[text].size(), out_.spare_strings);
        m.id = d_.text_ids[text];
        m.topic = topic;
        const std::size_t characters = render(locale_->texts[text], m.text);
        m.typing_ms = typing_ms ? *typing_ms : typing_ms_for(characters);
        m.flags = flags;
    }

    // Renders a template into `out`; returns its length in characters.
    std::size_t render(const text_template& t, std::string& out) const {
        // `out` is a new message's or choice's empty string: a spare one's storage spares an
        // allocation. A template's length is not known before rendering; the spares are sized
        // by earlier messages, which is usually enough.
        reuse_storage(out, t.is_plain ? t.plain.size() : out.capacity() + 1, out_.spare_strings);
        if (t.is_plain) {
            out = t.plain;
            return t.plain_characters;
        }
        out.clear();
        for (const segment& seg : t.segments) {
            if (seg.is_variable) {
                out += value_of(seg.variable);
            } else {
                out += seg.literal;
            }
        }
        return count_characters(out);
    }

    std::string_view value_of(variable_index variable) const {
        const variable_info& info = d_.variables[variable];
        if (info.from_deployment) {
            return info.deployment_value;
        }
        for (const variable_value& v : s_.vars) {
            if (v.index == variable) {
                return v.value;
            }
        }
        return {};
    }

    bool holds(const condition_program& condition) const {
        return condition.evaluate([this](variable_index v) { return value_of(v); },
                                  !s_.call_stack.empty());
    }

    void set_variable(variable_index variable, std::string_view value) {
        for (auto it = s_.vars.begin(); it != s_.vars.end(); ++it) {
            if (it->index == variable) {
                if (value.empty()) {
                    s_.vars.erase(it);
                } else {
                    it->value.assign(value);
                }
                return;
            }
        }
        if (!value.empty()) {
            s_.vars.push_back(variable_value{variable, std::string(value)});
        }
    }

    void apply(const std::vector<compiled_assignment>& set) {
        for (const compiled_assignment& a : set) {
            set_variable(a.variable, a.value);
        }
    }

    const dialog_data& d_;
    const safety::gate& gate_;
    session& s_;
    turn_output& out_;
    const locale_data* locale_;
    std::optional<state_index> presented_; // the waiting state whose choices go on the last message
};

} // namespace

void turn_output::clear() {
    // Strings with storage of their own go to the spares emptied: no caller can read what they
    // said, but the bytes stay in the kept buffer until a later turn writes over them, as they
    // would in freed memory. Short strings live inside the string object and are not worth keeping.
    const auto keep = [this](std::string& s) {
        if (s.capacity() > std::string().capacity() && spare_strings.size() < max_spare_strings) {
            s.clear();
            spare_strings.push_back(std::move(s));
        }
    };
    for (bot_message& m : messages) {
        keep(m.id);
        keep(m.text);
        for (heregoes::choice& c : m.choices) {
            keep(c.id);
            keep(c.label);
        }
        m.choices.clear();
        if (m.choices.capacity() > spare_choices.capacity()) {
            spare_choices.swap(m.choices);
        }
    }
    messages.clear();
    ended = false;
    forget_requested = false;
    entered.clear();
    scratch_text.clear();
    scratch_matches.clear();
}

turn_status
step(const dialog& d, const safety::gate& gate, session& s, const input& in, turn_output& out) {
    out.clear();
    return runner(d.data(), gate, s, out).run(in);
}

turn_result turn(const dialog& d, const safety::gate& gate, session s, const input& in) {
    turn_result result;
    result.status = step(d, gate, s, in, result.output);
    result.next = std::move(s);
    return result;
}

session new_session(const dialog& d, std::string_view locale, std::uint64_t seed) {
    session s;
    s.dialog_id = d.id();
    s.dialog_version = d.version();
    s.locale = std::string(locale);
    s.state = d.start();
    s.seed = seed;
    return s;
}

turn_status start_at(
    const dialog& d, const safety::gate& gate, session& s, state_index state, turn_output& out) {
    out.clear();
    if (state >= d.state_count()) {
        state = d.start();
    }
    runner r(d.data(), gate, s, out);
    r.begin_again(state);
    r.finish();
    return turn_status::ok;
}

} // namespace heregoes::dialog
