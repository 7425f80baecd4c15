// Lists a dialog's user-visible strings in graph order; see string_listing.hpp.

#include "engine/authoring/string_listing.hpp"

#include <deque>
#include <map>
#include <set>

namespace heregoes::authoring {

std::vector<const dialog::state_decl*> states_in_graph_order(const dialog::model& m) {
    std::vector<const dialog::state_decl*> order;
    std::set<std::string, std::less<>> seen;
    std::deque<std::string> todo{m.start};
    const auto all_edges = dialog::edges(m);
    std::map<std::string, std::vector<std::string>, std::less<>> adjacent;
    for (const auto& e : all_edges) {
        if (!e.from.empty() && e.kind != dialog::edge::kind::migrate) {
            adjacent[e.from].push_back(e.to);
        }
    }
    const auto visit_all = [&] {
        while (!todo.empty()) {
            const std::string id = todo.front();
            todo.pop_front();
            const auto* s = m.find_state(id);
            if (s == nullptr || !seen.insert(id).second) {
                continue;
            }
            order.push_back(s);
            if (const auto it = adjacent.find(id); it != adjacent.end()) {
                todo.insert(todo.end(), it->second.begin(), it->second.end());
            }
        }
    };
    visit_all();
    // Global routes and the default no_match lead out of any waiting state.
    for (const auto& e : all_edges) {
        if (e.from.empty() && e.kind != dialog::edge::kind::start) {
            todo.push_back(e.to);
        }
    }
    visit_all();
    for (const auto& s : m.states) {
        if (seen.count(s.id) == 0) {
            order.push_back(&s);
        }
    }
    return order;
}

std::vector<listed_string> list_strings(const dialog::model& m, std::string_view locale) {
    const auto* strings = m.find_locale(locale);
    std::vector<listed_string> out;
    std::set<std::string, std::less<>> listed;
    const auto add = [&](const std::string& state, const std::string& id, const char* role) {
        if (!listed.insert(id).second) {
            return;
        }
        listed_string item{state, id, role, true, {}, {}};
        if (strings != nullptr) {
            if (const auto it = strings->strings.find(id); it != strings->strings.end()) {
                item.missing = false;
                item.text = it->second.text;
                item.ref = it->second.ref;
            }
        }
        out.push_back(std::move(item));
    };
    for (const auto* s : states_in_graph_order(m)) {
        for (const auto& item : s->say) {
            for (std::size_t i = 0; i < item.text_ids.size(); ++i) {
                add(s->id, item.text_ids[i], item.text_ids.size() > 1 ? "variant" : "say");
            }
        }
        for (const auto& c : s->choices) {
            add(s->id, c.label, "choice");
        }
        if (s->no_match) {
            for (const auto& r : s->no_match->reprompts) {
                add(s->id, r, "reprompt");
            }
        }
    }
    if (m.no_match) {
        for (const auto& r : m.no_match->reprompts) {
            add("", r, "reprompt");
        }
    }
    return out;
}

std::string format_string_listing(const dialog::model& m,
                                  std::string_view locale,
                                  const std::vector<listed_string>& strings) {
    std::string out = "# " + m.id + " v" + std::to_string(m.version) + ", locale " +
                      std::string(locale) + ": " + std::to_string(strings.size()) + " strings\n";
    std::string current = "\x01"; // no state yet
    for (const auto& s : strings) {
        if (s.state != current) {
            current = s.state;
            if (current.empty()) {
                out += "\n[dialog default no_match]\n";
            } else {
                const auto* state = m.find_state(current);
                out += "\n[" + current + "] @" +
                       std::string(state != nullptr ? to_string(state->topic) : "?") + "\n";
            }
        }
        out += "  " + s.text_id + " (" + s.role + "): ";
        out += s.missing ? "<missing in " + std::string(locale) + ">" : s.text;
        out += "\n";
        if (!s.ref.empty()) {
            out += "      ref: " + s.ref + "\n";
        }
    }
    return out;
}

} // namespace heregoes::authoring
