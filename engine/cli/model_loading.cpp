// Loading a dialog model for the authoring commands; see model_loading.hpp.

#include "engine/cli/model_loading.hpp"

#include "engine/dialog/loader.hpp"

#include <filesystem>

namespace heregoes::cli {

std::string graph_file_for(const std::string& name, const std::string& dialogs_dir) {
    std::error_code ec;
    const bool looks_like_path =
        name.find('/') != std::string::npos ||
        (name.size() > 5 && name.compare(name.size() - 5, 5, ".json") == 0);
    if (looks_like_path || std::filesystem::is_regular_file(name, ec)) {
        return name;
    }
    return (std::filesystem::path(dialogs_dir) / (name + ".json")).string();
}

std::optional<dialog::model> load_model_for_tool(const std::string& graph_file, std::ostream& err) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(graph_file, ec)) {
        err << graph_file << ": no such dialog file\n";
        return std::nullopt;
    }
    auto loaded = dialog::load_model(graph_file);
    for (const auto& e : loaded.diagnostics) {
        err << e.to_string() << '\n';
    }
    if (!loaded.model) {
        err << graph_file
            << ": cannot be read as a dialog (see above; `heregoes lint` checks it)\n";
        return std::nullopt;
    }
    return std::move(*loaded.model);
}

std::optional<dialog::model> load_named_model(const parsed_arguments& parsed, std::ostream& err) {
    return load_model_for_tool(graph_file_for(parsed.positionals.at(0), dialogs_folder(parsed)),
                               err);
}

} // namespace heregoes::cli
