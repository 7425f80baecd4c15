// Coverage of a dialog by transcript runs; see coverage.hpp. Transition names are written as a
// person reads them in the report: "menu: choice expect", "route help", "welcome: next 1".

#include "engine/authoring/coverage.hpp"

#include "engine/dialog/intent_pattern.hpp"
#include "engine/dialog/normalise.hpp"

#include <algorithm>

namespace heregoes::authoring {
namespace {

// A max_visits redirect can lead to another bounded state; real chains are one or two long.
constexpr int max_redirect_depth = 8;

using dialog::state_decl;

std::string choice_key(const std::string& s, const std::string& c) {
    return s + ": choice " + c;
}
std::string intent_key(const std::string& s, const std::string& i) {
    return s + ": intent " + i;
}
std::string route_key(const std::string& intent) {
    return "route " + intent;
}
std::string next_key(const std::string& s, std::size_t k) {
    return s + ": next " + std::to_string(k + 1);
}
std::string reprompt_key(const std::string& s, std::size_t k) {
    return (s.empty() ? "default no_match" : s + ": no_match") + " reprompt " + std::to_string(k);
}
std::string no_match_goto_key(const std::string& s) {
    return (s.empty() ? "default no_match" : s + ": no_match") + " goto";
}

std::vector<std::string> unique_in_order(const std::vector<std::string>& items) {
    std::vector<std::string> out;
    std::set<std::string> seen;
    for (const auto& i : items) {
        if (seen.insert(i).second) {
            out.push_back(i);
        }
    }
    return out;
}

std::vector<std::string> missing(const std::vector<std::string>& all,
                                 const std::set<std::string>& seen) {
    std::vector<std::string> out;
    for (const auto& i : all) {
        if (seen.count(i) == 0) {
            out.push_back(i);
        }
    }
    return out;
}

coverage_counts counts(const std::vector<std::string>& all, const std::set<std::string>& seen) {
    coverage_counts c;
    c.total = all.size();
    for (const auto& i : all) {
        c.covered += seen.count(i);
    }
    return c;
}

} // namespace

double coverage_counts::percent() const {
    return total == 0 ? 100.0 : 100.0 * static_cast<double>(covered) / static_cast<double>(total);
}

coverage_tracker::coverage_tracker(std::shared_ptr<const dialog::dialog> d, std::string locale)
    : dialog_(std::move(d))
    , locale_(std::move(locale)) {
    const dialog::model& m = dialog_->source();
    std::vector<std::string> transitions;
    bool default_no_match_used = false;
    for (const state_decl& s : m.states) {
        all_states_.push_back(s.id);
        for (const auto& c : s.choices) {
            transitions.push_back(choice_key(s.id, c.id));
        }
        for (const auto& i : s.intents) {
            transitions.push_back(intent_key(s.id, i.intent));
        }
        if (s.capture) {
            transitions.push_back(s.id + ": capture");
        }
        if (s.no_match) {
            for (std::size_t k = 1; k <= s.no_match->reprompts.size(); ++k) {
                transitions.push_back(reprompt_key(s.id, k));
            }
            transitions.push_back(no_match_goto_key(s.id));
        } else if (s.waits() && !s.capture) {
            default_no_match_used = true;
        }
        for (std::size_t k = 0; k < s.next.size(); ++k) {
            transitions.push_back(next_key(s.id, k));
        }
        if (s.call) {
            transitions.push_back(s.id + ": call");
            transitions.push_back(s.id + ": return");
        }
        if (s.max_visits) {
            transitions.push_back(s.id + ": max_visits");
        }
    }
    for (const auto& r : m.routes) {
        transitions.push_back(route_key(r.intent));
    }
    if (m.no_match && default_no_match_used) {
        for (std::size_t k = 1; k <= m.no_match->reprompts.size(); ++k) {
            transitions.push_back(reprompt_key("", k));
        }
        transitions.push_back(no_match_goto_key(""));
    }
    all_transitions_ = unique_in_order(transitions);
    std::vector<std::string> texts;
    for (const auto& use : dialog::text_uses(m)) {
        texts.push_back(use.text_id);
    }
    all_strings_ = unique_in_order(texts);
    if (const auto* strings = m.find_locale(locale_); strings != nullptr) {
        for (const auto& [id, intent] : strings->intents) {
            auto& compiled = patterns_[id];
            for (const auto& p : intent.patterns) {
                auto re = std::make_unique<RE2>(
                    p.source, dialog::intent_pattern_options(dialog::max_pattern_memory));
                if (re->ok()) {
                    compiled.push_back(std::move(re));
                }
            }
        }
    }
}

void coverage_tracker::mark(const std::string& key) {
    seen_transitions_.insert(key);
}

bool coverage_tracker::resolves(const std::string& target, const std::string& entered, int depth) {
    if (target == entered) {
        return true;
    }
    const state_decl* s = dialog_->source().find_state(target);
    if (s == nullptr || !s->max_visits || depth >= max_redirect_depth) {
        return false;
    }
    if (resolves(s->on_max_visits, entered, depth + 1)) {
        mark(s->id + ": max_visits");
        return true;
    }
    return false;
}

void coverage_tracker::record_automatic(const std::string& from, const std::string& to) {
    const dialog::model& m = dialog_->source();
    const state_decl* s = m.find_state(from);
    if (s == nullptr || s->waits()) {
        return;
    }
    for (std::size_t k = 0; k < s->next.size(); ++k) {
        if (resolves(s->next[k].target, to)) {
            mark(next_key(s->id, k));
            return;
        }
    }
    if (s->call && resolves(s->call->state, to)) {
        mark(s->id + ": call");
        return;
    }
    if (s->is_return) {
        for (const state_decl& caller : m.states) {
            if (caller.call && resolves(caller.call->return_to, to)) {
                mark(caller.id + ": return");
            }
        }
    }
}

std::set<std::string> coverage_tracker::matched_intents(std::string_view typed) const {
    std::string normal;
    dialog::normalise_for_matching(typed, normal);
    std::set<std::string> matched;
    for (const auto& [intent, patterns] : patterns_) {
        for (const auto& re : patterns) {
            if (RE2::PartialMatch(normal, *re)) {
                matched.insert(intent);
                break;
            }
        }
    }
    return matched;
}

void coverage_tracker::record_text(const state_decl& w,
                                   std::string_view typed,
                                   const dialog::session& before,
                                   const dialog::session& after,
                                   const std::vector<std::string>& entered) {
    const dialog::model& m = dialog_->source();
    const dialog::no_match_decl* nm = w.no_match   ? &*w.no_match
                                      : m.no_match ? &*m.no_match
                                                   : nullptr;
    const std::string nm_owner = w.no_match ? w.id : "";
    if (entered.empty()) {
        // A reprompt (the miss counter went up), or the safety gate answered instead.
        if (nm != nullptr && after.no_match == before.no_match + 1 &&
            after.no_match <= nm->reprompts.size()) {
            mark(reprompt_key(nm_owner, after.no_match));
        }
        return;
    }
    const std::string& first = entered.front();
    const auto matched = matched_intents(typed);
    for (const auto& i : w.intents) {
        if (matched.count(i.intent) != 0) {
            if (resolves(i.target, first)) {
                mark(intent_key(w.id, i.intent));
            }
            return;
        }
    }
    for (const auto& r : m.routes) {
        if ((w.capture && !r.always) || matched.count(r.intent) == 0) {
            continue;
        }
        const std::string target =
            r.action == dialog::global_route::action::restart || r.target.empty() ? m.start
                                                                                  : r.target;
        if (resolves(target, first)) {
            mark(route_key(r.intent));
        }
        return;
    }
    if (w.capture) {
        if (resolves(w.capture->target, first)) {
            mark(w.id + ": capture");
        }
        return;
    }
    if (nm != nullptr && before.no_match >= nm->reprompts.size() && resolves(nm->target, first)) {
        mark(no_match_goto_key(nm_owner));
    }
}

void coverage_tracker::record(const dialog::session& before,
                              const dialog::input& in,
                              const dialog::turn_output& out,
                              const dialog::session& after) {
    const dialog::model& m = dialog_->source();
    std::vector<std::string> entered;
    for (const auto index : out.entered) {
        if (index < dialog_->state_count()) {
            entered.push_back(dialog_->state_id(index));
            seen_states_.insert(entered.back());
        }
    }
    for (std::size_t i = 0; i + 1 < entered.size(); ++i) {
        record_automatic(entered[i], entered[i + 1]);
    }
    const bool was_waiting =
        before.current == dialog::session::status::waiting && before.state < dialog_->state_count();
    if (was_waiting) {
        const state_decl* w = m.find_state(dialog_->state_id(before.state));
        if (w != nullptr && in.kind == dialog::input::kind::choice && !entered.empty()) {
            for (const auto& c : w->choices) {
                if (c.id == in.value && resolves(c.target, entered.front())) {
                    mark(choice_key(w->id, c.id));
                }
            }
        } else if (w != nullptr && in.kind == dialog::input::kind::text) {
            record_text(*w, in.value, before, after, entered);
        }
    }
    // Strings: every graph text id said, and the labels of the choices offered.
    const std::set<std::string> graph_texts(all_strings_.begin(), all_strings_.end());
    for (const auto& msg : out.messages) {
        if (graph_texts.count(msg.id) != 0) {
            seen_strings_.insert(msg.id);
        }
        if (msg.choices.empty() || after.state >= dialog_->state_count()) {
            continue;
        }
        if (const state_decl* w = m.find_state(dialog_->state_id(after.state)); w != nullptr) {
            for (const auto& shown : msg.choices) {
                for (const auto& c : w->choices) {
                    if (c.id == shown.id) {
                        seen_strings_.insert(c.label);
                    }
                }
            }
        }
    }
}

coverage_counts coverage_tracker::states() const {
    return counts(all_states_, seen_states_);
}
coverage_counts coverage_tracker::transitions() const {
    return counts(all_transitions_, seen_transitions_);
}
coverage_counts coverage_tracker::strings() const {
    return counts(all_strings_, seen_strings_);
}
std::vector<std::string> coverage_tracker::uncovered_states() const {
    return missing(all_states_, seen_states_);
}
std::vector<std::string> coverage_tracker::uncovered_transitions() const {
    return missing(all_transitions_, seen_transitions_);
}
std::vector<std::string> coverage_tracker::uncovered_strings() const {
    return missing(all_strings_, seen_strings_);
}

} // namespace heregoes::authoring
