// Runs golden transcripts and collects coverage; see transcript_runner.hpp.

#include "engine/authoring/transcript_runner.hpp"

#include "engine/dialog/session_variables.hpp"
#include "engine/dialog/turn.hpp"

namespace heregoes::authoring {
namespace {

std::string at(const transcript& t, std::size_t line) {
    return t.file + ":" + std::to_string(line);
}

std::string describe(const bot_message& m) {
    return "bot " + m.id + " @" + std::string(to_string(m.topic));
}

std::string describe(const transcript_step& s) {
    return "bot " + s.value + (s.topic ? " @" + std::string(to_string(*s.topic)) : "");
}

std::string id_list(const std::vector<std::string>& ids) {
    std::string out;
    for (const auto& id : ids) {
        out += (out.empty() ? "" : " ") + id;
    }
    return out.empty() ? "(none)" : out;
}

// The ids of messages not yet matched, for "the turn also said ..." messages.
std::string remaining(const std::vector<bot_message>& messages, std::size_t from) {
    std::string out;
    for (std::size_t i = from; i < messages.size(); ++i) {
        out += (out.empty() ? "" : ", ") + describe(messages[i]);
    }
    return out;
}

} // namespace

transcript_runner::transcript_runner(std::shared_ptr<const dialog::dialog_set> dialogs,
                                     const safety::gate& gate)
    : dialogs_(std::move(dialogs))
    , gate_(gate) {
}

coverage_tracker& transcript_runner::tracker_for(const std::shared_ptr<const dialog::dialog>& d,
                                                 const std::string& locale) {
    // Every locale of the dialog gets a row, so an untested locale shows up as uncovered.
    for (const auto& l : d->locales()) {
        auto& slot = trackers_[key{d->id(), d->version(), l}];
        if (!slot) {
            slot = std::make_unique<coverage_tracker>(d, l);
        }
    }
    return *trackers_.at(key{d->id(), d->version(), locale});
}

expected<std::shared_ptr<const dialog::dialog>>
transcript_runner::with_deployment(const std::shared_ptr<const dialog::dialog>& d,
                                   const transcript& t) {
    if (t.deployment.empty()) {
        return d;
    }
    dialog::load_options options;
    std::string cache_key = d->source().file.string();
    for (const auto& v : t.deployment) {
        const auto index = d->find_variable(v.name);
        if (!index || !d->variable_from_deployment(*index)) {
            return fail("transcript",
                        "`" + v.name + "` is not a deployment variable of dialog `" + d->id() + "`",
                        at(t, v.line));
        }
        options.deployment[v.name] = v.value;
    }
    for (const auto& [name, value] : options.deployment) {
        cache_key += '\n' + name + '=' + value;
    }
    if (const auto it = deployed_.find(cache_key); it != deployed_.end()) {
        return it->second;
    }
    auto compiled = dialog::load_dialog(d->source().file, options);
    if (!compiled) {
        return fail("transcript", compiled.error().to_string(), at(t, t.deployment.front().line));
    }
    deployed_[cache_key] = *compiled;
    return *compiled;
}

std::optional<transcript_failure> transcript_runner::run(const transcript& t) {
    const auto loaded = dialogs_->latest(t.dialog_id);
    if (!loaded) {
        std::string known;
        for (const auto& id : dialogs_->ids()) {
            known += (known.empty() ? "" : ", ") + id;
        }
        return transcript_failure{at(t, t.dialog_line),
                                  "no dialog `" + t.dialog_id + "` is loaded (loaded: " +
                                      (known.empty() ? "none" : known) + ")"};
    }
    const auto deployed = with_deployment(loaded, t);
    if (!deployed) {
        return transcript_failure{deployed.error().where, deployed.error().message};
    }
    const std::shared_ptr<const dialog::dialog> d = *deployed;
    if (!d->has_locale(t.locale)) {
        return transcript_failure{at(t, 1),
                                  "dialog `" + t.dialog_id + "` has no locale `" + t.locale + "`"};
    }
    coverage_tracker& tracker = tracker_for(d, t.locale);
    ++runs_[key{d->id(), d->version(), t.locale}];

    dialog::session s = dialog::new_session(*d, t.locale, t.seed);
    for (const auto& v : t.preset) {
        if (auto ok = dialog::set_variable(*d, s, v.name, v.value); !ok) {
            return transcript_failure{at(t, v.line), ok.error().message};
        }
    }
    dialog::turn_output out;
    dialog::input first{dialog::input::kind::start, {}};
    dialog::session before = s;
    if (!t.start_state.empty()) {
        const auto state = d->find_state(t.start_state);
        if (!state) {
            return transcript_failure{at(t, t.start_line),
                                      "dialog `" + t.dialog_id + "` has no state `" +
                                          t.start_state + "`"};
        }
        dialog::start_at(*d, gate_, s, *state, out);
    } else {
        dialog::step(*d, gate_, s, first, out);
    }
    tracker.record(before, first, out, s);
    // The runtime's first turn starts from cleared variables (like a restart), so presets it
    // dropped are set again; a value the first turn set itself is kept.
    for (const auto& v : t.preset) {
        if (!dialog::variable_value_of(*d, s, v.name)) {
            if (auto ok = dialog::set_variable(*d, s, v.name, v.value); !ok) {
                return transcript_failure{at(t, v.line), ok.error().message};
            }
        }
    }

    std::size_t next = 0; // first message of the current turn not yet matched by a `bot` line
    const bot_message* last = nullptr;
    std::size_t last_line = t.dialog_line;
    for (const transcript_step& step : t.steps) {
        last_line = step.line;
        using k = enum transcript_step::kind;
        if (step.kind == k::bot) {
            if (next >= out.messages.size()) {
                return transcript_failure{at(t, step.line),
                                          "expected `" + describe(step) +
                                              "`, but the turn said nothing more"};
            }
            const bot_message& got = out.messages[next];
            if (got.id != step.value || (step.topic && *step.topic != got.topic)) {
                return transcript_failure{at(t, step.line),
                                          "expected `" + describe(step) + "`, got `" +
                                              describe(got) + "`"};
            }
            last = &got;
            ++next;
            continue;
        }
        if (step.kind == k::choices) {
            if (last == nullptr) {
                return transcript_failure{at(t, step.line),
                                          "`choices` needs a `bot` line before it in this turn"};
            }
            std::vector<std::string> got;
            for (const auto& c : last->choices) {
                got.push_back(c.id);
            }
            if (got != step.ids) {
                return transcript_failure{at(t, step.line),
                                          "expected choices " + id_list(step.ids) + ", got " +
                                              id_list(got) + " (on " + last->id + ")"};
            }
            continue;
        }
        // An input: every message of the previous turn must have been matched.
        if (next < out.messages.size()) {
            return transcript_failure{at(t, step.line),
                                      "the turn also said " + remaining(out.messages, next) +
                                          "; add a `bot` line for each before this input"};
        }
        dialog::input in;
        if (step.kind == k::choose) {
            in = {dialog::input::kind::choice, step.value};
        } else if (step.kind == k::say) {
            in = {dialog::input::kind::text, step.value};
        } else {
            in = {dialog::input::kind::restart, {}};
        }
        std::vector<std::string> offered; // read now: step() clears `out`
        if (last != nullptr) {
            for (const auto& c : last->choices) {
                offered.push_back(c.id);
            }
        }
        before = s;
        const auto status = dialog::step(*d, gate_, s, in, out);
        if (status == dialog::turn_status::unknown_choice) {
            return transcript_failure{at(t, step.line),
                                      "choice `" + step.value + "` is not offered here (offered: " +
                                          id_list(offered) + ")"};
        }
        if (status == dialog::turn_status::not_started) {
            return transcript_failure{at(t, step.line), "the session has not started"};
        }
        tracker.record(before, in, out, s);
        next = 0;
        last = nullptr;
    }
    if (next < out.messages.size()) {
        return transcript_failure{at(t, last_line),
                                  "the transcript ends but the last turn also said " +
                                      remaining(out.messages, next) +
                                      "; add a `bot` line for each"};
    }
    return std::nullopt;
}

std::vector<coverage_row> transcript_runner::coverage() const {
    std::vector<coverage_row> rows;
    for (const auto& [k, tracker] : trackers_) {
        coverage_row row;
        row.dialog_id = std::get<0>(k);
        row.version = std::get<1>(k);
        row.locale = std::get<2>(k);
        const auto runs = runs_.find(k);
        row.transcripts = runs == runs_.end() ? 0 : runs->second;
        row.states = tracker->states();
        row.transitions = tracker->transitions();
        row.strings = tracker->strings();
        row.uncovered_states = tracker->uncovered_states();
        row.uncovered_transitions = tracker->uncovered_transitions();
        row.uncovered_strings = tracker->uncovered_strings();
        rows.push_back(std::move(row));
    }
    return rows;
}

} // namespace heregoes::authoring
