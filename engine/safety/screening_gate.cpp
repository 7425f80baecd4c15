// The safety gate (see screening_gate.hpp). The flow follows clinical.md §5.3:
//   idle: screen the text; tier 2 shows the crisis message and pauses, tier 1 asks the check
//     question, an informational or ambiguous message passes with one help line, and someone
//     else at risk now gets advice on helping them while the dialog keeps its place (§5.4).
//   awaiting_check: yes (or more risk) -> crisis message; no -> thanks, help once, resume;
//     anything else -> resources shown, resume gently.
//   paused: the person goes back when they choose (safety.back); risk shows the help again.
//     The screen still runs first, then the commands that work anywhere keep working: "are you a
//     bot?" is answered and "delete my data" reaches the dialog's own command.
//   "Are you a bot?" is answered by the gate in any dialog (answered): the dialog stays put.
// "safety.help_now" works in every mode. Only category bits of messages are kept, never text.

#include "engine/safety/screening_gate.hpp"

#include "engine/safety/crisis_resources.hpp"

#include <algorithm>
#include <filesystem>

namespace heregoes::safety {
namespace {

std::string_view crisis_message_id(concern c) {
    switch (c) {
    case concern::child:
        return "safety.crisis.child";
    case concern::domestic:
        return "safety.crisis.domestic";
    case concern::elder:
        return "safety.crisis.elder";
    case concern::others:
        return "safety.crisis.others";
    case concern::self_harm:
        return "safety.crisis.self_harm";
    case concern::help:
    case concern::none:
    case concern::third_party_self_harm:
    case concern::third_party_child:
    case concern::third_party_adult:
    case concern::third_party_domestic:
    case concern::third_party_threat:
        break;
    }
    return "safety.crisis.help";
}

std::string_view third_party_message_id(concern c) {
    switch (c) {
    case concern::third_party_self_harm:
        return "safety.third_party.self_harm";
    case concern::third_party_child:
        return "safety.third_party.child";
    case concern::third_party_domestic:
        return "safety.third_party.domestic";
    case concern::third_party_threat:
        return "safety.third_party.threat";
    default:
        break;
    }
    return "safety.third_party.adult";
}

// Appends one rendered message; `last` marks the end of the gate's turn (await = true).
void say(const message_catalog& messages,
         std::string_view id,
         bool last,
         std::vector<bot_message>& out) {
    bot_message m = messages.get(id);
    m.await = last;
    out.push_back(std::move(m));
}

// Tier 2: the crisis message for `c`, and the dialog pauses.
gate_result crisis(safety_state& state,
                   concern c,
                   const message_catalog& messages,
                   std::vector<bot_message>& out) {
    state.current = safety_state::mode::paused;
    state.risk_seen = true;
    state.concern = static_cast<std::uint8_t>(c);
    say(messages, crisis_message_id(c), true, out);
    return gate_result::took_over;
}

// A message shown while the dialog stays paused: it ends the turn and keeps the pause's way back
// and the help button under it.
void say_paused(const message_catalog& messages, bot_message m, std::vector<bot_message>& out) {
    m.choices = messages.get("safety.paused").choices;
    m.await = true;
    out.push_back(std::move(m));
}

void remember(safety_state& state, risk_bits bits) {
    for (std::size_t i = state.recent.size() - 1; i > 0; --i) {
        state.recent[i] = state.recent[i - 1];
    }
    state.recent[0] = bits;
    if (state.turns_seen < 255) {
        ++state.turns_seen;
    }
}

risk_bits earlier_bits(const safety_state& state) {
    risk_bits bits = 0;
    for (const auto b : state.recent) {
        bits |= b;
    }
    return bits;
}

} // namespace

const screening_gate::locale_data& screening_gate::data_for(std::string_view locale) const {
    auto it = locales_.find(locale);
    if (it == locales_.end()) {
        // "es-MX" uses "es" when there is no "es-MX" of its own.
        it = locales_.find(locale.substr(0, locale.find('-')));
    }
    if (it == locales_.end()) {
        it = locales_.find(fallback_locale);
    }
    return it->second;
}

std::vector<std::string> screening_gate::locales() const {
    std::vector<std::string> out;
    for (const auto& [locale, data] : locales_) {
        out.push_back(locale);
    }
    return out;
}

screen_result screening_gate::screen_text(std::string_view locale, std::string_view text) const {
    return screen(*data_for(locale).pack, text);
}

const bot_message& screening_gate::help_line(std::string_view locale) const {
    return data_for(locale).messages.get("safety.help_line");
}

gate_result screening_gate::before_input(safety_state& state,
                                         const gate_input& input,
                                         std::string_view locale,
                                         std::vector<bot_message>& out) const {
    const locale_data& data = data_for(locale);
    if (input.kind == gate_input::kind::choice) {
        return on_choice(state, input.value, data, out);
    }
    return on_text(state, input.value, data, out);
}

gate_result screening_gate::on_choice(safety_state& state,
                                      std::string_view id,
                                      const locale_data& data,
                                      std::vector<bot_message>& out) const {
    const message_catalog& messages = data.messages;
    const auto mode = state.current;
    if (id.substr(0, choice_prefix.size()) != choice_prefix) {
        // A dialog button pressed during a safety conversation: the person chose to move on.
        state.current = safety_state::mode::idle;
        return mode == safety_state::mode::awaiting_check ? gate_result::pass_with_note
                                                          : gate_result::pass;
    }
    if (id == choice_help_now) {
        const auto c = mode == safety_state::mode::paused ? static_cast<concern>(state.concern)
                                                          : concern::help;
        return crisis(state, c == concern::none ? concern::help : c, messages, out);
    }
    if (mode == safety_state::mode::awaiting_check) {
        if (id == choice_yes) {
            return crisis(state, concern::self_harm, messages, out);
        }
        if (id == choice_not_now) {
            state.current = safety_state::mode::idle;
            state.concern = static_cast<std::uint8_t>(concern::none);
            say(messages, "safety.ack_no", false, out);
            return gate_result::resume;
        }
        if (id == choice_rather_not) {
            state.current = safety_state::mode::idle;
            state.concern = static_cast<std::uint8_t>(concern::none);
            say(messages, "safety.rather_not", false, out);
            return gate_result::resume;
        }
    }
    if (mode == safety_state::mode::paused) {
        if (id == choice_back) {
            state.current = safety_state::mode::idle;
            state.concern = static_cast<std::uint8_t>(concern::none);
            say(messages, "safety.back", false, out);
            return gate_result::resume;
        }
        // A stale button from the check question: the help stays on screen.
        say(messages, "safety.paused", true, out);
        return gate_result::took_over;
    }
    if (id == choice_yes) {
        // A "yes" pressed on an older check question still means yes.
        return crisis(state, concern::self_harm, messages, out);
    }
    // Any other stale safety button while idle: show where we are.
    return gate_result::resume;
}

gate_result screening_gate::on_text(safety_state& state,
                                    std::string_view text,
                                    const locale_data& data,
                                    std::vector<bot_message>& out) const {
    const message_catalog& messages = data.messages;
    const screen_result screened = screen(*data.pack, text);
    const risk_bits earlier = earlier_bits(state);
    risk_decision d = decide(screened.bits, earlier, state.risk_seen, screened.informational);
    const bool command = (screened.bits & bit(risk_category::privacy_command)) != 0;
    const auto third_party_advice = [&] {
        return messages.get(third_party_message_id(d.concern));
    };
    if (screened.scan_failed && d.tier < tier::check && d.tier != tier::third_party) {
        // The scan could not finish, so nothing is known: never stay silent about help.
        d = {tier::note, concern::none};
    }
    remember(state, screened.bits);

    switch (state.current) {
    case safety_state::mode::awaiting_check: {
        if (d.tier == tier::crisis) {
            return crisis(state, d.concern, messages, out);
        }
        const auto reply = data.pack->classify_answer(normalise(text, data.pack->shorthand()).text);
        if (reply == pattern_pack::answer::yes || d.tier == tier::check) {
            return crisis(state, concern::self_harm, messages, out);
        }
        state.current = safety_state::mode::idle;
        state.concern = static_cast<std::uint8_t>(concern::none);
        if (command) {
            // "Delete my data" instead of an answer: the dialog's command runs, and with no
            // answer given, the help line goes with it (clinical.md §5.3).
            return gate_result::pass_with_note;
        }
        say(messages,
            reply == pattern_pack::answer::no ? "safety.ack_no" : "safety.rather_not",
            false,
            out);
        if (d.tier == tier::third_party) {
            bot_message m = third_party_advice();
            m.await = true;
            out.push_back(std::move(m));
            return gate_result::answered;
        }
        return gate_result::resume;
    }
    case safety_state::mode::paused:
        if (d.tier == tier::crisis || d.tier == tier::check) {
            const concern c =
                d.tier == tier::crisis ? d.concern : static_cast<concern>(state.concern);
            return crisis(state, c == concern::none ? concern::help : c, messages, out);
        }
        if (command) {
            // A privacy command works during the pause as it does anywhere: the screen found no
            // risk in it, so the pause ends and the dialog's own command (its forget route)
            // handles the text, exactly as it would outside the pause.
            state.current = safety_state::mode::idle;
            state.concern = static_cast<std::uint8_t>(concern::none);
            return gate_result::pass;
        }
        if (d.tier == tier::third_party) {
            say_paused(messages, third_party_advice(), out);
            return gate_result::took_over;
        }
        if (d.tier == tier::disclosure) {
            // "Are you a bot?" gets its honest answer here too; the pause holds.
            say_paused(messages, messages.get("safety.disclosure"), out);
            return gate_result::took_over;
        }
        say(messages, "safety.paused", true, out);
        return gate_result::took_over;
    case safety_state::mode::idle:
        break;
    }

    switch (d.tier) {
    case tier::crisis:
        return crisis(state, d.concern, messages, out);
    case tier::check:
        state.current = safety_state::mode::awaiting_check;
        state.risk_seen = true;
        state.concern = static_cast<std::uint8_t>(d.concern);
        say(messages, "safety.check", true, out);
        return gate_result::took_over;
    case tier::disclosure:
        // The honest answer is a side question, not a safety conversation: the dialog stays
        // where it was and shows its choices again under the answer.
        say(messages, "safety.disclosure", true, out);
        return gate_result::answered;
    case tier::third_party: {
        // Someone else is at risk: advice on helping them, not a pause. The dialog keeps its
        // place and offers its choices again under the advice.
        bot_message m = third_party_advice();
        m.await = true;
        out.push_back(std::move(m));
        return gate_result::answered;
    }
    case tier::note:
        return gate_result::pass_with_note;
    case tier::none:
        break;
    }
    return gate_result::pass;
}

void screening_gate::append_note(const safety_state& /*state*/,
                                 std::string_view locale,
                                 std::vector<bot_message>& out) const {
    bot_message m = help_line(locale);
    if (!out.empty()) {
        // The note belongs to the answer it follows: same topic, and it ends the turn instead.
        m.topic = out.back().topic;
        m.await = out.back().await;
        out.back().await = false;
    } else {
        m.topic = topic::fallback;
        m.await = true;
    }
    out.push_back(std::move(m));
}

expected<std::unique_ptr<screening_gate>> load_gate(const gate_options& options) {
    namespace fs = std::filesystem;
    const std::string resources_path = options.resources_file.empty()
                                           ? options.data_dir + "/resources.json"
                                           : options.resources_file;
    auto catalog = load_resources(resources_path);
    if (!catalog) {
        return catalog.error();
    }
    auto region =
        select_region(*catalog, options.region, options.today, options.allow_expired_resources);
    if (!region) {
        return region.error();
    }
    const message_options message_opts{options.chat_is_read, options.quick_exit};

    std::vector<std::string> pack_files;
    std::error_code ec;
    const fs::path patterns_dir = fs::path(options.data_dir) / "patterns";
    for (fs::directory_iterator it(patterns_dir, ec), end; !ec && it != end; it.increment(ec)) {
        if (it->path().extension() == ".json") {
            pack_files.push_back(it->path().string());
        }
    }
    if (ec) {
        return fail("io", "cannot list the pattern packs: " + ec.message(), patterns_dir.string());
    }
    std::sort(pack_files.begin(), pack_files.end());

    std::unique_ptr<screening_gate> gate(new screening_gate());
    for (const auto& file : pack_files) {
        auto pack = pattern_pack::load_file(file);
        if (!pack) {
            return pack.error();
        }
        const std::string locale = (*pack)->locale();
        const std::string messages_path = options.data_dir + "/messages/" + locale + ".json";
        auto strings = load_messages(messages_path);
        if (!strings) {
            return strings.error();
        }
        if (strings->locale != locale) {
            return fail("bad_messages",
                        "the file's locale is \"" + strings->locale + "\" but its name says \"" +
                            locale + "\"",
                        messages_path + "#/locale");
        }
        auto rendered = message_catalog::render(*strings, *region, message_opts);
        if (!rendered) {
            return rendered.error();
        }
        gate->locales_.emplace(locale,
                               screening_gate::locale_data{std::move(*pack), std::move(*rendered)});
    }
    if (gate->locales_.find(fallback_locale) == gate->locales_.end()) {
        return fail("missing_locale",
                    "the safety data has no \"en\" pack and messages; every other locale falls "
                    "back to it",
                    patterns_dir.string());
    }
    return gate;
}

} // namespace heregoes::safety
