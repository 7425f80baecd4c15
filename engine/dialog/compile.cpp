// The dialog compiler (dialog.hpp: compile, load_dialog). Turns a loaded model into the tables of
// compiled_dialog.hpp, checking every reference on the way: state targets, variables, text ids
// and intents in every locale, placeholders. It reports all problems it finds, each with the file
// and JSON pointer of the member at fault, and produces a dialog only when there are none.

#include "engine/dialog/compiled_dialog.hpp"
#include "engine/dialog/dialog.hpp"
#include "engine/dialog/intent_pattern.hpp"
#include "engine/dialog/loader.hpp"
#include "engine/dialog/normalise.hpp"

namespace heregoes::dialog {
namespace {

using namespace detail;

// Ids quoted in messages are cut to this length, so a huge id cannot flood the output.
constexpr std::size_t max_echo = 60;

std::string quote(std::string_view id) {
    if (id.size() > max_echo) {
        return "'" + std::string(id.substr(0, max_echo)) + "…'";
    }
    return "'" + std::string(id) + "'";
}

class compiler {
public:
    compiler(dialog_data& out, const load_options& options, std::vector<error>& diagnostics)
        : d_(out)
        , options_(options)
        , diagnostics_(diagnostics)
        , file_(out.source.file.string()) {}

    void run() {
        const model& m = d_.source;
        d_.id = m.id;
        d_.version = m.version;
        d_.locale_names = m.locales;
        compile_variables();
        for (std::size_t i = 0; i < m.states.size(); ++i) {
            d_.state_lookup.emplace(m.states[i].id, static_cast<state_index>(i));
        }
        if (auto start = target(m.start, "/start", "\"start\"")) {
            d_.start = *start;
        }
        d_.states.reserve(m.states.size());
        for (const state_decl& s : m.states) {
            d_.states.push_back(compile_state(s));
        }
        for (const global_route& r : m.routes) {
            compiled_route out;
            out.intent = intent(r.intent, r.pointer + "/intent");
            out.action = r.action;
            out.always = r.always;
            if (!r.target.empty()) {
                if (auto t =
                        target(r.target, r.pointer + "/goto", "the route for " + quote(r.intent))) {
                    out.has_target = true;
                    out.target = *t;
                }
            }
            d_.routes.push_back(out);
        }
        if (m.no_match) {
            d_.default_no_match = compile_no_match(*m.no_match, "the dialog's \"no_match\"");
        }
        for (const migrate_entry& e : m.migrate) {
            if (auto t =
                    target(e.to_state, e.pointer, "the migrate entry for " + quote(e.from_state))) {
                d_.migrate.emplace(e.from_state, *t);
            }
        }
        choose_fallback();
        compile_locales();
    }

private:
    void report(std::string code, const std::string& pointer, std::string message) {
        diagnostics_.push_back(fail(std::move(code), std::move(message), file_ + "#" + pointer));
    }

    std::optional<state_index>
    target(const std::string& id, const std::string& pointer, const std::string& what) {
        const auto it = d_.state_lookup.find(id);
        if (it == d_.state_lookup.end()) {
            report("unknown_target",
                   pointer,
                   what + " leads to the state " + quote(id) + ", which does not exist");
            return std::nullopt;
        }
        return it->second;
    }

    int variable_lookup(std::string_view name) const {
        for (std::size_t i = 0; i < d_.variables.size(); ++i) {
            if (d_.variables[i].name == name) {
                return static_cast<int>(i);
            }
        }
        return -1;
    }

    // A variable the dialog writes (set or capture): declared and not a deployment variable.
    std::optional<variable_index>
    writable(const std::string& name, const std::string& pointer, const std::string& what) {
        const int i = variable_lookup(name);
        if (i < 0) {
            report("unknown_variable",
                   pointer,
                   what + " writes the variable " + quote(name) +
                       ", which is not declared in \"variables\"");
            return std::nullopt;
        }
        if (d_.variables[static_cast<std::size_t>(i)].from_deployment) {
            report("read_only_variable",
                   pointer,
                   what + " writes " + quote(name) +
                       ", which comes from the deployment and is read-only for the dialog");
            return std::nullopt;
        }
        return static_cast<variable_index>(i);
    }

    std::vector<compiled_assignment> assignments(const std::vector<assignment>& set,
                                                 const std::string& what) {
        std::vector<compiled_assignment> out;
        for (const assignment& a : set) {
            if (auto v = writable(a.variable, a.pointer, what)) {
                out.push_back({*v, a.value});
            }
        }
        return out;
    }

    condition_program condition(const std::optional<condition_source>& c) {
        if (!c) {
            return {};
        }
        auto program = compile_condition(
            c->expr, [this](std::string_view name) { return variable_lookup(name); });
        if (!program) {
            report(program.error().code, c->pointer, program.error().message);
            return {};
        }
        return std::move(*program);
    }

    text_index text(const std::string& id) {
        const auto it = text_lookup_.find(id);
        if (it != text_lookup_.end()) {
            return it->second;
        }
        const auto index = static_cast<text_index>(d_.text_ids.size());
        d_.text_ids.push_back(id);
        text_lookup_.emplace(id, index);
        text_pointer_.push_back("");
        return index;
    }

    // Records the first pointer using a text id, for messages about it.
    text_index text_at(const std::string& id, const std::string& pointer) {
        const text_index i = text(id);
        if (text_pointer_[i].empty()) {
            text_pointer_[i] = pointer;
        }
        return i;
    }

    intent_index intent(const std::string& id, const std::string& pointer) {
        const auto it = intent_lookup_.find(id);
        if (it != intent_lookup_.end()) {
            return it->second;
        }
        if (d_.intent_ids.size() >= max_intents) {
            report("too_large",
                   pointer,
                   "the dialog uses more than " + std::to_string(max_intents) + " intents");
            return 0;
        }
        const auto index = static_cast<intent_index>(d_.intent_ids.size());
        d_.intent_ids.push_back(id);
        intent_lookup_.emplace(id, index);
        intent_pointer_.push_back(pointer);
        return index;
    }

    void compile_variables() {
        for (const variable_decl& v : d_.source.variables) {
            variable_info info;
            info.name = v.name;
            info.sensitive = v.sensitive;
            info.from_deployment = v.from_deployment;
            info.max_length = v.max_length;
            if (v.from_deployment) {
                const auto it = options_.deployment.find(v.name);
                info.deployment_value =
                    it != options_.deployment.end() ? it->second : v.default_value;
            }
            d_.variables.push_back(std::move(info));
        }
    }

    compiled_no_match compile_no_match(const no_match_decl& n, const std::string& what) {
        compiled_no_match out;
        for (std::size_t i = 0; i < n.reprompts.size(); ++i) {
            out.reprompts.push_back(
                text_at(n.reprompts[i], n.pointer + "/reprompts/" + std::to_string(i)));
        }
        out.target = target(n.target, n.pointer + "/goto", what).value_or(0);
        return out;
    }

    compiled_state compile_state(const state_decl& s) {
        const std::string what = "state " + quote(s.id);
        compiled_state out;
        out.id = s.id;
        out.topic = s.topic;
        out.set = assignments(s.set, what);
        for (const say_item& item : s.say) {
            compiled_say say;
            say.help_note = item.kind == say_item::kind::help_note;
            for (std::size_t i = 0; i < item.text_ids.size(); ++i) {
                const std::string p = item.text_ids.size() == 1
                                          ? item.pointer
                                          : item.pointer + "/text/" + std::to_string(i);
                say.variants.push_back(text_at(item.text_ids[i], p));
            }
            if (!say.help_note && say.variants.empty()) {
                report("missing_field", item.pointer, what + " has a message without a text id");
            }
            say.typing_ms = item.typing_ms;
            say.condition = condition(item.condition);
            say.flags = item.flags;
            out.say.push_back(std::move(say));
        }
        for (const choice_decl& c : s.choices) {
            compiled_choice choice;
            choice.id = c.id;
            choice.label = text_at(c.label, c.pointer + "/label");
            choice.target =
                target(c.target, c.pointer + "/goto", what + " choice " + quote(c.id)).value_or(0);
            choice.set = assignments(c.set, what + " choice " + quote(c.id));
            choice.condition = condition(c.condition);
            out.choices.push_back(std::move(choice));
        }
        for (const intent_route& r : s.intents) {
            compiled_intent_route route;
            route.intent = intent(r.intent, r.pointer + "/intent");
            route.target =
                target(r.target, r.pointer + "/goto", what + " intent " + quote(r.intent))
                    .value_or(0);
            route.set = assignments(r.set, what + " intent " + quote(r.intent));
            out.intents.push_back(std::move(route));
        }
        if (s.capture) {
            out.has_capture = true;
            out.capture_variable =
                writable(s.capture->variable, s.capture->pointer + "/var", what + " capture")
                    .value_or(0);
            out.capture_target =
                target(s.capture->target, s.capture->pointer + "/goto", what + " capture")
                    .value_or(0);
        }
        if (s.no_match) {
            out.no_match = compile_no_match(*s.no_match, what + " \"no_match\"");
        }
        for (const next_branch& n : s.next) {
            compiled_next next;
            next.condition = condition(n.condition);
            const std::string p =
                n.pointer == s.pointer + "/next" ? n.pointer : n.pointer + "/goto";
            next.target = target(n.target, p, what + " \"next\"").value_or(0);
            out.next.push_back(std::move(next));
        }
        if (s.call) {
            out.has_call = true;
            out.call_state =
                target(s.call->state, s.call->pointer + "/state", what + " \"call\"").value_or(0);
            out.call_return =
                target(s.call->return_to, s.call->pointer + "/return", what + " \"call\" return")
                    .value_or(0);
        }
        out.is_return = s.is_return;
        out.is_end = s.is_end;
        if (s.max_visits) {
            out.max_visits = static_cast<std::uint8_t>(*s.max_visits);
            out.on_max_visits =
                target(s.on_max_visits, s.on_max_visits_pointer, what + " \"on_max_visits\"")
                    .value_or(0);
        }
        out.waits = s.waits();
        return out;
    }

    void choose_fallback() {
        auto waiting = [this](state_index i) {
            return i < d_.states.size() && d_.states[i].waits;
        };
        if (d_.default_no_match && waiting(d_.default_no_match->target)) {
            d_.safe_fallback = d_.default_no_match->target;
        } else if (waiting(d_.start)) {
            d_.safe_fallback = d_.start;
        } else {
            for (std::size_t i = 0; i < d_.states.size(); ++i) {
                if (d_.states[i].waits) {
                    d_.safe_fallback = static_cast<state_index>(i);
                    break;
                }
            }
        }
    }

    // Splits a string into segments, filling deployment variables now.
    std::optional<text_template> compile_template(const string_entry& e,
                                                  const std::string& strings_file) {
        text_template t;
        std::string literal;
        std::size_t pos = 0;
        const std::string& text = e.text;
        bool ok = true;
        auto flush = [&]() {
            if (!literal.empty()) {
                segment seg;
                seg.literal = std::move(literal);
                t.segments.push_back(std::move(seg));
                literal.clear();
            }
        };
        while (pos < text.size()) {
            const std::size_t open = text.find("{{", pos);
            const std::size_t close =
                open == std::string::npos ? std::string::npos : text.find("}}", open + 2);
            if (open == std::string::npos || close == std::string::npos) {
                literal.append(text, pos, std::string::npos);
                break;
            }
            literal.append(text, pos, open - pos);
            std::string_view name(text.data() + open + 2, close - open - 2);
            while (!name.empty() && name.front() == ' ') {
                name.remove_prefix(1);
            }
            while (!name.empty() && name.back() == ' ') {
                name.remove_suffix(1);
            }
            const int v = variable_lookup(name);
            if (v < 0) {
                diagnostics_.push_back(fail("unknown_variable",
                                            "the string " + quote(e.id) +
                                                " uses the placeholder {{" +
                                                std::string(name.substr(0, max_echo)) +
                                                "}}, which is not declared in the dialog's "
                                                "\"variables\"",
                                            strings_file + "#" + e.pointer));
                ok = false;
            } else if (d_.variables[static_cast<std::size_t>(v)].from_deployment) {
                literal += d_.variables[static_cast<std::size_t>(v)].deployment_value;
            } else {
                flush();
                segment seg;
                seg.is_variable = true;
                seg.variable = static_cast<variable_index>(v);
                t.segments.push_back(std::move(seg));
                t.is_plain = false;
            }
            pos = close + 2;
        }
        flush();
        if (!ok) {
            return std::nullopt;
        }
        if (t.is_plain) {
            for (const segment& seg : t.segments) {
                t.plain += seg.literal;
            }
            t.plain_characters = static_cast<std::uint32_t>(count_characters(t.plain));
        }
        return t;
    }

    void compile_locales() {
        const model& m = d_.source;
        if (m.locales.empty()) {
            diagnostics_.push_back(fail("missing_field",
                                        "the dialog has no locales; list at least \"en\"",
                                        file_ + "#/locales"));
            return;
        }
        for (const std::string& locale : m.locales) {
            const locale_strings* strings = m.find_locale(locale);
            if (strings == nullptr) {
                diagnostics_.push_back(fail("missing_strings",
                                            "the dialog lists the locale " + quote(locale) +
                                                " but its strings could not be read",
                                            file_ + "#/locales"));
                continue;
            }
            const std::string strings_file = strings->file.string();
            locale_data data;
            data.locale = locale;
            for (std::size_t i = 0; i < d_.text_ids.size(); ++i) {
                const auto it = strings->strings.find(d_.text_ids[i]);
                if (it == strings->strings.end()) {
                    diagnostics_.push_back(fail("missing_text",
                                                "the text id " + quote(d_.text_ids[i]) +
                                                    " (used at " + file_ + "#" + text_pointer_[i] +
                                                    ") is missing from the " + quote(locale) +
                                                    " strings; add it to " + strings_file,
                                                strings_file + "#/strings"));
                    data.texts.emplace_back();
                    continue;
                }
                data.texts.push_back(
                    compile_template(it->second, strings_file).value_or(text_template{}));
            }
            compile_patterns(data, *strings, strings_file);
            d_.locales.push_back(std::move(data));
        }
    }

    void compile_patterns(locale_data& data,
                          const locale_strings& strings,
                          const std::string& strings_file) {
        data.pattern_set = std::make_unique<RE2::Set>(
            intent_pattern_options(max_pattern_set_memory), RE2::UNANCHORED);
        bool ok = true;
        for (std::size_t i = 0; i < d_.intent_ids.size(); ++i) {
            const auto it = strings.intents.find(d_.intent_ids[i]);
            if (it == strings.intents.end() || it->second.patterns.empty()) {
                diagnostics_.push_back(fail(
                    "missing_intent",
                    "the intent " + quote(d_.intent_ids[i]) + " (used at " + file_ + "#" +
                        intent_pointer_[i] + ") has no patterns in the " + quote(strings.locale) +
                        " strings; add it under \"intents\" in " + strings_file,
                    strings_file + "#/intents"));
                ok = false;
                continue;
            }
            for (const intent_pattern& p : it->second.patterns) {
                std::string problem;
                if (data.pattern_set->Add(p.source, &problem) < 0) {
                    diagnostics_.push_back(fail("bad_regex",
                                                "the pattern of " + quote(d_.intent_ids[i]) +
                                                    " is not a valid re2 pattern: " + problem,
                                                strings_file + "#" + p.pointer));
                    ok = false;
                    continue;
                }
                data.pattern_intent.push_back(static_cast<intent_index>(i));
                data.patterns.push_back(
                    std::make_unique<RE2>(p.source, intent_pattern_options(max_pattern_memory)));
            }
        }
        if (ok && !data.pattern_set->Compile()) {
            diagnostics_.push_back(fail("bad_regex",
                                        "the intent patterns of the " + quote(strings.locale) +
                                            " strings are too large to compile together; "
                                            "simplify them",
                                        strings_file + "#/intents"));
        }
    }

    dialog_data& d_;
    const load_options& options_;
    std::vector<error>& diagnostics_;
    std::string file_;
    std::map<std::string, text_index, std::less<>> text_lookup_;
    std::vector<std::string> text_pointer_;
    std::map<std::string, intent_index, std::less<>> intent_lookup_;
    std::vector<std::string> intent_pointer_;
};

} // namespace

compile_result compile(heregoes::dialog::model m, const load_options& options) {
    compile_result result;
    auto data = std::make_unique<dialog_data>();
    data->source = std::move(m);
    compiler(*data, options, result.diagnostics).run();
    if (result.diagnostics.empty()) {
        result.dialog = std::make_shared<const dialog>(std::move(data));
    }
    return result;
}

expected<std::shared_ptr<const dialog>> load_dialog(const std::filesystem::path& graph_file,
                                                    const load_options& options) {
    load_result loaded = load_model(graph_file);
    if (!loaded.diagnostics.empty()) {
        return loaded.diagnostics.front();
    }
    if (!loaded.model) {
        return fail("unreadable", "the dialog could not be read", graph_file.string());
    }
    compile_result compiled = compile(std::move(*loaded.model), options);
    if (!compiled.diagnostics.empty()) {
        return compiled.diagnostics.front();
    }
    return compiled.dialog;
}

} // namespace heregoes::dialog
