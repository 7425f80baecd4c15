#pragma once

// `heregoes graph`: a dialog's state graph as Graphviz dot or a Mermaid flowchart, for review.
// Each state is filled with a fixed colour for its topic (with a legend), and each edge is labelled
// with what takes it: a choice id, an intent, `next`, `call`, `return`, `capture`, `no_match`.
// Global routes start from one "any waiting state" node, so they do not hide the rest.

#include "engine/dialog/model.hpp"

#include <string>
#include <string_view>

namespace heregoes::authoring {

enum class graph_format : std::uint8_t { dot, mermaid };

// The fill colour of a topic ("#rrggbb"); the same topic always gets the same colour.
std::string_view topic_colour(heregoes::topic t) noexcept;

// Renders the model's graph. Unknown targets are drawn as red dashed nodes, so a broken graph
// can still be looked at.
std::string render_graph(const dialog::model& m, graph_format format);

} // namespace heregoes::authoring
