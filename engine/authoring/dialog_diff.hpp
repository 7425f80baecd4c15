#pragma once

// `heregoes diff OLD NEW`: what a person would see differently between two versions of a dialog.
// Per locale, the text ids the graph shows that were added, removed or reworded (with old and new
// text), then a summary of graph changes (states added, removed or changed; routes; start), so a
// clinical reviewer can sign off exactly what changed.

#include "engine/dialog/model.hpp"

#include <string>
#include <vector>

namespace heregoes::authoring {

struct text_change {
    enum class kind : std::uint8_t { added, removed, changed };
    kind kind = kind::changed;
    std::string locale;
    std::string text_id;
    std::string old_text; // empty when added
    std::string new_text; // empty when removed
};

struct graph_changes {
    std::vector<std::string> states_added;
    std::vector<std::string> states_removed;
    std::vector<std::string> states_changed; // same id, different topic, messages or edges
    std::vector<std::string> routes_added;   // intent names
    std::vector<std::string> routes_removed;
    bool start_changed = false;
};

struct dialog_diff {
    std::vector<text_change> texts; // by locale, then text id
    graph_changes graph;
    bool empty() const;
};

// Compares the user-visible text (the text ids each graph uses, rendered in each locale either
// version has) and the graph.
dialog_diff diff_dialogs(const dialog::model& old_model, const dialog::model& new_model);

// The diff as text: "--- OLD vN / +++ NEW vM", text changes per locale, then the graph summary.
std::string format_diff(const dialog::model& old_model,
                        const dialog::model& new_model,
                        const dialog_diff& diff);

} // namespace heregoes::authoring
