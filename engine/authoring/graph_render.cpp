// Renders a dialog's state graph as dot or Mermaid; see graph_render.hpp.

#include "engine/authoring/graph_render.hpp"

#include <array>
#include <map>
#include <set>
#include <vector>

namespace heregoes::authoring {
namespace {

// One light colour per topic, in topic enum order, distinct enough to tell apart side by side.
constexpr std::array<std::string_view, topic_count> topic_colours{
    "#fde68a", // welcome
    "#e9d5ff", // about
    "#bfdbfe", // menu
    "#bbf7d0", // expect
    "#fbcfe8", // confidentiality
    "#fed7aa", // minors
    "#ddd6fe", // judgment
    "#a7f3d0", // rehearsal
    "#c7d2fe", // trust
    "#e5e7eb", // practical
    "#fca5a5", // crisis
    "#d9f99d", // closing
    "#f5f5f4", // fallback
};

struct drawn_edge {
    std::string from; // node name
    std::string to;
    std::string label;
    bool dashed = false;
};

// Node names valid in both dot and Mermaid: s0, s1, ... by state order.
class node_names {
public:
    explicit node_names(const dialog::model& m) {
        for (std::size_t i = 0; i < m.states.size(); ++i) {
            names_[m.states[i].id] = "s" + std::to_string(i);
        }
    }
    // The node of a state id; unknown ids get their own "missing" node.
    std::string of(const std::string& id) {
        if (const auto it = names_.find(id); it != names_.end()) {
            return it->second;
        }
        const std::string name = "missing" + std::to_string(missing_.size());
        missing_.emplace_back(name, id);
        names_[id] = name;
        return name;
    }
    const std::vector<std::pair<std::string, std::string>>& missing() const { return missing_; }

private:
    std::map<std::string, std::string> names_;
    std::vector<std::pair<std::string, std::string>> missing_;
};

std::vector<drawn_edge> collect_edges(const dialog::model& m, node_names& names) {
    std::vector<drawn_edge> out;
    for (const auto& s : m.states) {
        const std::string from = names.of(s.id);
        for (const auto& c : s.choices) {
            out.push_back({from, names.of(c.target), c.id, false});
        }
        for (const auto& i : s.intents) {
            out.push_back({from, names.of(i.target), "intent " + i.intent, false});
        }
        if (s.capture) {
            out.push_back(
                {from, names.of(s.capture->target), "capture " + s.capture->variable, false});
        }
        if (s.no_match) {
            out.push_back({from, names.of(s.no_match->target), "no_match", true});
        }
        for (const auto& b : s.next) {
            out.push_back({from,
                           names.of(b.target),
                           b.condition ? "next if " + b.condition->text : "next",
                           false});
        }
        if (s.call) {
            out.push_back({from, names.of(s.call->state), "call", false});
            out.push_back({from, names.of(s.call->return_to), "after return", true});
        }
        if (s.max_visits) {
            out.push_back({from,
                           names.of(s.on_max_visits),
                           "after " + std::to_string(*s.max_visits) + " visits",
                           true});
        }
    }
    for (const auto& r : m.routes) {
        if (r.action == dialog::global_route::action::go ||
            (r.action == dialog::global_route::action::forget && !r.target.empty())) {
            out.push_back({"any_waiting", names.of(r.target), "route " + r.intent, true});
        }
    }
    if (m.no_match) {
        out.push_back({"any_waiting", names.of(m.no_match->target), "no_match (default)", true});
    }
    return out;
}

std::string dot_escape(std::string_view s) {
    std::string out;
    for (const char c : s) {
        if (c == '"' || c == '\\') {
            out.push_back('\\');
        }
        out.push_back(c);
    }
    return out;
}

// Mermaid labels are written in double quotes; a quote inside becomes its entity.
std::string mermaid_escape(std::string_view s) {
    std::string out;
    for (const char c : s) {
        if (c == '"') {
            out += "#quot;";
        } else {
            out.push_back(c);
        }
    }
    return out;
}

std::string state_label(const dialog::state_decl& s) {
    std::string label = s.id;
    if (s.is_end) {
        label += " (end)";
    } else if (s.is_return) {
        label += " (return)";
    }
    return label;
}

std::set<heregoes::topic> topics_used(const dialog::model& m) {
    std::set<heregoes::topic> used;
    for (const auto& s : m.states) {
        used.insert(s.topic);
    }
    return used;
}

std::string render_dot(const dialog::model& m) {
    node_names names(m);
    const auto edges = collect_edges(m, names);
    std::string out = "digraph \"" + dot_escape(m.id) + "\" {\n";
    out += "  label=\"" + dot_escape(m.id) + " v" + std::to_string(m.version) + "\";\n";
    out += "  labelloc=t;\n  rankdir=LR;\n";
    out += "  node [shape=box, style=\"rounded,filled\", fontname=\"sans-serif\"];\n";
    out += "  edge [fontname=\"sans-serif\", fontsize=10];\n";
    out += "  start [shape=circle, label=\"start\", style=filled, fillcolor=\"#111827\", "
           "fontcolor=white];\n";
    out += "  any_waiting [shape=note, label=\"any waiting state\", style=dashed];\n";
    for (const auto& s : m.states) {
        out += "  " + names.of(s.id) + " [label=\"" + dot_escape(state_label(s)) +
               "\", fillcolor=\"" + std::string(topic_colour(s.topic)) + "\"" +
               (s.is_end ? ", peripheries=2" : "") + "];\n";
    }
    for (const auto& [name, id] : names.missing()) {
        out += "  " + name + " [label=\"" + dot_escape(id) +
               " (unknown)\", style=dashed, color=red, fontcolor=red];\n";
    }
    out += "  start -> " + names.of(m.start) + ";\n";
    for (const auto& e : edges) {
        out += "  " + e.from + " -> " + e.to + " [label=\"" + dot_escape(e.label) + "\"" +
               (e.dashed ? ", style=dashed" : "") + "];\n";
    }
    out += "  subgraph cluster_legend {\n    label=\"topics\";\n    style=dashed;\n";
    for (const auto t : topics_used(m)) {
        out += "    legend_" + std::string(to_string(t)) + " [label=\"" +
               std::string(to_string(t)) + "\", fillcolor=\"" + std::string(topic_colour(t)) +
               "\"];\n";
    }
    out += "  }\n}\n";
    return out;
}

std::string render_mermaid(const dialog::model& m) {
    node_names names(m);
    const auto edges = collect_edges(m, names);
    std::string out = "---\ntitle: \"" + mermaid_escape(m.id) + " v" + std::to_string(m.version) +
                      "\"\n---\nflowchart LR\n";
    out += "  start((start))\n";
    out += "  any_waiting[/\"any waiting state\"/]\n";
    for (const auto& s : m.states) {
        out += "  " + names.of(s.id) + "(\"" + mermaid_escape(state_label(s)) + "\")\n";
    }
    for (const auto& [name, id] : names.missing()) {
        out += "  " + name + "[\"" + mermaid_escape(id) + " (unknown)\"]\n";
    }
    out += "  start --> " + names.of(m.start) + "\n";
    for (const auto& e : edges) {
        out += "  " + e.from + (e.dashed ? " -.->|\"" : " -->|\"") + mermaid_escape(e.label) +
               "\"| " + e.to + "\n";
    }
    out += "  subgraph legend [topics]\n";
    for (const auto t : topics_used(m)) {
        out +=
            "    legend_" + std::string(to_string(t)) + "[\"" + std::string(to_string(t)) + "\"]\n";
    }
    out += "  end\n";
    for (const auto t : topics_used(m)) {
        const std::string name(to_string(t));
        out += "  classDef topic_" + name + " fill:" + std::string(topic_colour(t)) +
               ",stroke:#374151,color:#111827\n";
        std::string members = "legend_" + name;
        for (const auto& s : m.states) {
            if (s.topic == t) {
                members += "," + names.of(s.id);
            }
        }
        out += "  class " + members + " topic_" + name + "\n";
    }
    for (const auto& [name, id] : names.missing()) {
        out += "  style " + name + " stroke:#dc2626,color:#dc2626,stroke-dasharray:4\n";
    }
    return out;
}

} // namespace

std::string_view topic_colour(heregoes::topic t) noexcept {
    return topic_colours[static_cast<std::size_t>(t)];
}

std::string render_graph(const dialog::model& m, graph_format format) {
    return format == graph_format::dot ? render_dot(m) : render_mermaid(m);
}

} // namespace heregoes::authoring
