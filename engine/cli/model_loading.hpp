#pragma once

// Loading one dialog's model for the read-only authoring commands (graph, strings, diff): the
// dialog can be named by its graph file or by its id in a dialogs folder. Problems are printed
// so the author sees them, but a model that parsed is still shown.

#include "engine/cli/command_line.hpp"
#include "engine/dialog/model.hpp"

#include <optional>
#include <ostream>
#include <string>

namespace heregoes::cli {

// The graph file for `name`: `name` itself when it is a path to a file, else DIR/<name>.json.
std::string graph_file_for(const std::string& name, const std::string& dialogs_dir);

// Loads the model, printing the loader's problems on `err`; nullopt (after printing why) when
// the file is missing or is not JSON.
std::optional<dialog::model> load_model_for_tool(const std::string& graph_file, std::ostream& err);

// The model of the dialog the first positional argument names (a graph file, or an id in the
// dialogs folder), loaded as load_model_for_tool does.
std::optional<dialog::model> load_named_model(const parsed_arguments& parsed, std::ostream& err);

} // namespace heregoes::cli
