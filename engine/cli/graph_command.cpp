// `heregoes graph`: prints a dialog's state graph as Graphviz dot or Mermaid.

#include "engine/authoring/graph_render.hpp"
#include "engine/cli/command_line.hpp"
#include "engine/cli/commands.hpp"
#include "engine/cli/exit_codes.hpp"
#include "engine/cli/model_loading.hpp"

#include <iostream>

namespace heregoes::cli {

int run_graph(std::span<const std::string> args) {
    const command_spec spec{
        "graph",
        "FILE",
        "Print a dialog's state graph, coloured by topic, for review.",
        "FILE is a graph file (dialogs/<id>.json) or a dialog id in ./dialogs. dot output renders\n"
        "with `dot -Tsvg`; mermaid output pastes into Markdown (```mermaid). Edges are labelled\n"
        "with the choice id, intent, next, call or no_match that takes them.",
        {
            {"format", "dot|mermaid", "output format (default: dot)"},
            {"dialogs", "DIR", "folder to find a dialog named by id (default: dialogs)"},
        },
        1,
        1,
    };
    const command_start start = start_command(spec, args);
    if (!start.arguments) {
        return start.exit_status;
    }
    const parsed_arguments& parsed = *start.arguments;
    const std::string format = parsed.value_or("format", "dot");
    if (format != "dot" && format != "mermaid") {
        return usage_error(spec,
                           fail("usage", "--format must be dot or mermaid, got `" + format + "`"),
                           std::cerr);
    }
    const auto model = load_named_model(parsed, std::cerr);
    if (!model) {
        return exit_findings;
    }
    std::cout << authoring::render_graph(
        *model, format == "dot" ? authoring::graph_format::dot : authoring::graph_format::mermaid);
    return exit_ok;
}

} // namespace heregoes::cli
