// Graph checks of `heregoes lint`; see graph_checks.hpp for the list and lint.hpp for the rules.
// The model keeps ids as strings (nothing is resolved yet), so each check looks states up by id
// and simply skips edges to unknown states: check_targets reports those once.

#include "engine/lint/graph_checks.hpp"

#include "engine/core/bot_message.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <string_view>

namespace heregoes::lint {
namespace {

using dialog::edge;
using dialog::model;
using dialog::state_decl;

// The first turn walks automatic states only; a dialog whose first turn needs more steps than
// this is looping (check_loops says where), so the disclosure search stops there.
constexpr std::size_t max_first_turn_steps = 10000;

std::string file_of(const model& m) {
    return m.file.string();
}

std::string ticked(std::string_view id) {
    return "`" + std::string(id) + "`";
}

std::string edge_description(const edge& e) {
    switch (e.kind) {
    case edge::kind::start:
        return "the dialog's start";
    case edge::kind::choice:
        return "a choice of state " + ticked(e.from);
    case edge::kind::intent:
        return "an intent of state " + ticked(e.from);
    case edge::kind::capture:
        return "the capture of state " + ticked(e.from);
    case edge::kind::no_match:
        return "the no_match of state " + ticked(e.from);
    case edge::kind::next:
        return "the next of state " + ticked(e.from);
    case edge::kind::call:
        return "the call of state " + ticked(e.from);
    case edge::kind::call_return:
        return "the call return of state " + ticked(e.from);
    case edge::kind::max_visits:
        return "the on_max_visits of state " + ticked(e.from);
    case edge::kind::route:
        return "a global route";
    case edge::kind::default_no_match:
        return "the dialog's default no_match";
    case edge::kind::migrate:
        return "the migrate entry for old state " + ticked(e.from);
    }
    return "an edge";
}

// A state that neither waits, ends nor returns: it moves on by itself (next, call, or a bound).
bool is_automatic(const state_decl& s) {
    return !s.waits() && !s.is_end && !s.is_return;
}

bool says_unconditional_disclosure(const state_decl& s) {
    return std::any_of(s.say.begin(), s.say.end(), [](const dialog::say_item& item) {
        return item.kind == dialog::say_item::kind::text && !item.condition &&
               (item.flags & heregoes::flag_disclosure) != 0;
    });
}

std::string join_path(const std::vector<std::string>& ids) {
    std::string out;
    for (const auto& id : ids) {
        out += (out.empty() ? "" : " -> ") + id;
    }
    return out;
}

// Whether a sub-dialog entered at `entry` can come back without waiting (so the caller's return
// target is reached in the same turn).
bool returns_without_waiting(const model& m, const std::string& entry) {
    std::set<std::string> seen;
    std::vector<std::string> todo{entry};
    while (!todo.empty()) {
        const std::string id = todo.back();
        todo.pop_back();
        if (!seen.insert(id).second) {
            continue;
        }
        const state_decl* s = m.find_state(id);
        if (s == nullptr) {
            continue;
        }
        if (s->is_return) {
            return true;
        }
        if (!is_automatic(*s)) {
            continue;
        }
        for (const auto& b : s->next) {
            todo.push_back(b.target);
        }
        if (s->call) {
            todo.push_back(s->call->return_to);
        }
        if (s->max_visits) {
            todo.push_back(s->on_max_visits);
        }
    }
    return false;
}

} // namespace

void check_targets(const model& m, std::vector<diagnostic>& out) {
    for (const edge& e : dialog::edges(m)) {
        if (e.kind == edge::kind::route && e.to.empty()) {
            continue; // restart and forget routes have no target
        }
        if (m.find_state(e.to) == nullptr) {
            out.push_back({severity::error,
                           "unknown_target",
                           ticked(e.to) + " is not a state of this dialog (named by " +
                               edge_description(e) + "); add the state or fix the id",
                           place(file_of(m), e.pointer)});
        }
    }
}

void check_choice_ids(const model& m, std::vector<diagnostic>& out) {
    for (const state_decl& s : m.states) {
        std::set<std::string_view> ids;
        for (const auto& c : s.choices) {
            if (!ids.insert(c.id).second) {
                out.push_back({severity::error,
                               "duplicate_choice_id",
                               "state " + ticked(s.id) + " has two choices with id " +
                                   ticked(c.id) + "; choice ids must be unique within a state",
                               place(file_of(m), c.pointer)});
            }
        }
    }
}

void check_state_shapes(const model& m, std::vector<diagnostic>& out) {
    for (const state_decl& s : m.states) {
        const std::string where = place(file_of(m), s.pointer);
        if (!s.waits() && s.next.empty() && !s.call && !s.is_return && !s.is_end) {
            out.push_back({severity::error,
                           "dead_end",
                           "state " + ticked(s.id) +
                               " is a dead end: it neither waits (choices, intents, capture), "
                               "moves on (next), calls, returns nor ends",
                           where});
        }
        if (!s.waits()) {
            continue;
        }
        if (!s.capture && !s.no_match && !m.no_match) {
            out.push_back({severity::error,
                           "missing_no_match",
                           "waiting state " + ticked(s.id) +
                               " has no no_match handling and the dialog sets no default; text "
                               "it does not understand would leave the person stuck. Add "
                               "\"no_match\" to the state or to the dialog",
                           where});
        }
        std::size_t text_items = 0;
        std::size_t unconditional = 0;
        for (const auto& item : s.say) {
            if (item.kind == dialog::say_item::kind::text) {
                ++text_items;
                unconditional += item.condition ? 0 : 1;
            }
        }
        if (text_items == 0) {
            out.push_back({severity::error,
                           "silent_waiting_state",
                           "waiting state " + ticked(s.id) +
                               " says no text; the person would be asked to answer nothing. "
                               "Add a message to \"say\"",
                           where});
        } else if (unconditional == 0) {
            out.push_back({severity::warning,
                           "silent_waiting_state",
                           "every message of waiting state " + ticked(s.id) +
                               " has an \"if\"; when none holds the state waits without saying "
                               "anything. Make one message unconditional",
                           where});
        }
    }
}

void check_reachability(const model& m, std::vector<diagnostic>& out) {
    if (m.find_state(m.start) == nullptr) {
        return; // check_targets reports the start; every state would look unreachable
    }
    const auto all = dialog::edges(m);
    std::map<std::string, std::vector<std::string>, std::less<>> adjacent;
    std::vector<std::string> global_targets; // routes and the default no_match
    for (const edge& e : all) {
        if (e.kind == edge::kind::migrate || e.kind == edge::kind::start || e.to.empty()) {
            continue;
        }
        if (e.from.empty()) {
            global_targets.push_back(e.to);
        } else {
            adjacent[e.from].push_back(e.to);
        }
    }
    std::set<std::string, std::less<>> reached;
    std::vector<std::string> todo{m.start};
    bool globals_added = false;
    while (!todo.empty()) {
        const std::string id = todo.back();
        todo.pop_back();
        const state_decl* s = m.find_state(id);
        if (s == nullptr || !reached.insert(id).second) {
            continue;
        }
        if (s->waits() && !globals_added) {
            globals_added = true; // routes work from any waiting state
            todo.insert(todo.end(), global_targets.begin(), global_targets.end());
        }
        if (const auto it = adjacent.find(id); it != adjacent.end()) {
            todo.insert(todo.end(), it->second.begin(), it->second.end());
        }
    }
    for (const state_decl& s : m.states) {
        if (reached.count(s.id) == 0) {
            out.push_back({severity::error,
                           "unreachable_state",
                           "state " + ticked(s.id) + " cannot be reached from start " +
                               ticked(m.start) +
                               " by any choice, intent, route, next, call or no_match; link it "
                               "or remove it",
                           place(file_of(m), s.pointer)});
        }
    }
}

void check_loops(const model& m, std::vector<diagnostic>& out) {
    // 1. Cycles of automatic states. A state with max_visits bounds every cycle through it, so
    //    it is left out of the graph; any cycle that remains runs forever within one turn.
    std::vector<const state_decl*> nodes;
    std::map<std::string_view, std::size_t> index_of;
    for (const state_decl& s : m.states) {
        if ((is_automatic(s) && !s.max_visits) || (s.is_return && !s.max_visits)) {
            index_of[s.id] = nodes.size();
            nodes.push_back(&s);
        }
    }
    std::vector<std::vector<std::size_t>> next_of(nodes.size());
    const auto link = [&](std::size_t from, const std::string& to) {
        if (const auto it = index_of.find(to); it != index_of.end()) {
            next_of[from].push_back(it->second);
        }
    };
    for (std::size_t i = 0; i < nodes.size(); ++i) {
        const state_decl& s = *nodes[i];
        for (const auto& b : s.next) {
            link(i, b.target);
        }
        if (s.call) {
            link(i, s.call->state);
            if (returns_without_waiting(m, s.call->state)) {
                link(i, s.call->return_to);
            }
        }
    }
    // Tarjan's strongly connected components, iterative so a long chain cannot overflow.
    const std::size_t unvisited = static_cast<std::size_t>(-1);
    std::vector<std::size_t> order(nodes.size(), unvisited), low(nodes.size(), 0);
    std::vector<bool> on_stack(nodes.size(), false);
    std::vector<std::size_t> stack;
    std::size_t counter = 0;
    std::vector<std::vector<std::size_t>> cycles;
    for (std::size_t root = 0; root < nodes.size(); ++root) {
        if (order[root] != unvisited) {
            continue;
        }
        std::vector<std::pair<std::size_t, std::size_t>> frames{{root, 0}};
        order[root] = low[root] = counter++;
        stack.push_back(root);
        on_stack[root] = true;
        while (!frames.empty()) {
            auto& [v, child] = frames.back();
            if (child < next_of[v].size()) {
                const std::size_t w = next_of[v][child++];
                if (order[w] == unvisited) {
                    order[w] = low[w] = counter++;
                    stack.push_back(w);
                    on_stack[w] = true;
                    frames.emplace_back(w, 0);
                } else if (on_stack[w]) {
                    low[v] = std::min(low[v], order[w]);
                }
                continue;
            }
            const std::size_t done = v;
            frames.pop_back();
            if (!frames.empty()) {
                low[frames.back().first] = std::min(low[frames.back().first], low[done]);
            }
            if (low[done] == order[done]) {
                std::vector<std::size_t> component;
                std::size_t w = 0;
                do {
                    w = stack.back();
                    stack.pop_back();
                    on_stack[w] = false;
                    component.push_back(w);
                } while (w != done);
                const bool self_loop =
                    std::find(next_of[done].begin(), next_of[done].end(), done) !=
                    next_of[done].end();
                if (component.size() > 1 || self_loop) {
                    cycles.push_back(std::move(component));
                }
            }
        }
    }
    for (auto& component : cycles) {
        std::sort(component.begin(), component.end());
        std::vector<std::string> ids;
        for (const std::size_t i : component) {
            ids.push_back(nodes[i]->id);
        }
        std::string list;
        for (const auto& id : ids) {
            list += (list.empty() ? "" : ", ") + ticked(id);
        }
        out.push_back({severity::error,
                       "unbounded_loop",
                       "states " + list +
                           " form a loop that never waits for the person, so a turn would run "
                           "forever; add a waiting state or \"max_visits\" with "
                           "\"on_max_visits\" to one of them",
                       place(file_of(m), nodes[component.front()]->pointer)});
    }

    // 2. `return` outside any call. Walk the dialog as the top level sees it: from start and every
    //    route target (a route clears the call stack), stepping over calls to their return state.
    std::vector<std::string> roots{m.start};
    for (const auto& r : m.routes) {
        if (!r.target.empty()) {
            roots.push_back(r.target);
        }
    }
    if (m.no_match) {
        roots.push_back(m.no_match->target);
    }
    std::map<std::string, std::string, std::less<>> parent; // for the path in the message
    std::set<std::string, std::less<>> reported;
    for (const auto& root : roots) {
        std::vector<std::string> todo{root};
        if (parent.count(root) == 0) {
            parent[root] = "";
        }
        while (!todo.empty()) {
            const std::string id = todo.back();
            todo.pop_back();
            const state_decl* s = m.find_state(id);
            if (s == nullptr) {
                continue;
            }
            if (s->is_return) {
                if (reported.insert(id).second) {
                    std::vector<std::string> path{id};
                    for (std::string p = parent[id]; !p.empty(); p = parent[p]) {
                        path.insert(path.begin(), p);
                        if (path.size() > m.states.size()) {
                            break;
                        }
                    }
                    out.push_back({severity::error,
                                   "return_outside_call",
                                   "state " + ticked(id) +
                                       " returns from a sub-dialog but can be reached outside "
                                       "any call (" +
                                       join_path(path) +
                                       "); reach it only through a state with \"call\"",
                                   place(file_of(m), s->pointer)});
                }
                continue;
            }
            std::vector<std::string> targets;
            for (const auto& c : s->choices) {
                targets.push_back(c.target);
            }
            for (const auto& i : s->intents) {
                targets.push_back(i.target);
            }
            if (s->capture) {
                targets.push_back(s->capture->target);
            }
            if (s->no_match) {
                targets.push_back(s->no_match->target);
            }
            for (const auto& b : s->next) {
                targets.push_back(b.target);
            }
            if (s->call) {
                targets.push_back(s->call->return_to);
            }
            if (s->max_visits) {
                targets.push_back(s->on_max_visits);
            }
            for (const auto& t : targets) {
                if (parent.count(t) == 0) {
                    parent[t] = id;
                    todo.push_back(t);
                }
            }
        }
    }
}

void check_disclosure(const model& m, std::vector<diagnostic>& out) {
    // Depth-first over every path of the first turn, carrying the call stack. A path is fine
    // once it says a disclosure; it fails when it reaches a waiting or end state without one.
    struct frame {
        std::string state;
        std::vector<std::string> calls; // return targets
        std::vector<std::string> path;
    };
    std::vector<frame> todo{{m.start, {}, {m.start}}};
    std::size_t steps = 0;
    while (!todo.empty() && ++steps <= max_first_turn_steps) {
        frame f = std::move(todo.back());
        todo.pop_back();
        const state_decl* s = m.find_state(f.state);
        if (s == nullptr) {
            continue; // unknown targets are reported by check_targets
        }
        if (says_unconditional_disclosure(*s)) {
            continue;
        }
        if (s->waits() || s->is_end || (s->is_return && f.calls.empty())) {
            out.push_back(
                {severity::error,
                 "missing_disclosure",
                 "the first turn can reach " + ticked(s->id) + " (" + join_path(f.path) +
                     ") without saying that the guide is automated; add an "
                     "unconditional message with \"flags\": [\"disclosure\"] before "
                     "the first waiting state",
                 place(file_of(m),
                       m.find_state(m.start) ? m.find_state(m.start)->pointer : "/start")});
            return;
        }
        const auto go = [&](const std::string& target, std::vector<std::string> calls) {
            if (std::find(f.path.begin(), f.path.end(), target) != f.path.end()) {
                return; // a loop: check_loops reports it
            }
            auto path = f.path;
            path.push_back(target);
            todo.push_back({target, std::move(calls), std::move(path)});
        };
        if (s->is_return) {
            auto calls = f.calls;
            const std::string back = calls.back();
            calls.pop_back();
            go(back, std::move(calls));
            continue;
        }
        for (const auto& b : s->next) {
            go(b.target, f.calls);
        }
        if (s->call) {
            auto calls = f.calls;
            calls.push_back(s->call->return_to);
            go(s->call->state, std::move(calls));
        }
    }
}

void check_safety_routes(const model& m, std::vector<diagnostic>& out) {
    const dialog::global_route* stop = nullptr;
    const dialog::global_route* help = nullptr;
    for (const auto& r : m.routes) {
        if (r.intent == "stop" && stop == nullptr) {
            stop = &r;
        }
        if (r.intent == "help" && help == nullptr) {
            help = &r;
        }
    }
    const std::string file = file_of(m);
    if (stop == nullptr) {
        out.push_back({severity::error,
                       "missing_stop_route",
                       "the dialog has no global route for intent `stop`; add {\"intent\": "
                       "\"stop\", \"goto\": \"<closing state>\", \"always\": true} to \"routes\" "
                       "so a person can leave from every waiting state",
                       place(file, "/routes")});
    } else {
        if (!stop->always) {
            out.push_back({severity::error,
                           "stop_route_not_always",
                           "the `stop` route must have \"always\": true, or a state that "
                           "captures text would store \"stop\" instead of stopping",
                           place(file, stop->pointer)});
        }
        if (stop->action == dialog::global_route::action::restart) {
            out.push_back({severity::error,
                           "stop_route_restarts",
                           "the `stop` route restarts the dialog instead of leaving it; give it "
                           "a \"goto\" to a closing state",
                           place(file, stop->pointer)});
        }
    }
    if (help == nullptr) {
        out.push_back({severity::error,
                       "missing_help_route",
                       "the dialog has no global route for intent `help`; add {\"intent\": "
                       "\"help\", \"goto\": \"<help state>\"} to \"routes\" so typing \"help\" "
                       "works from every waiting state",
                       place(file, "/routes")});
    }
}

void check_graph(const model& m, std::vector<diagnostic>& out) {
    check_targets(m, out);
    check_choice_ids(m, out);
    check_state_shapes(m, out);
    check_reachability(m, out);
    check_loops(m, out);
    check_disclosure(m, out);
    check_safety_routes(m, out);
}

} // namespace heregoes::lint
