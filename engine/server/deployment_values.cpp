// Builds the dialogs' deployment values from the configuration; see deployment_values.hpp.

#include "engine/server/deployment_values.hpp"

#include <array>
#include <string_view>

namespace heregoes::server {
namespace {

// Variables whose value is a fact about this server, derived from its store settings.
constexpr std::array<std::string_view, 2> server_decided{"transcripts_kept", "retention_days"};

} // namespace

expected<dialog::load_options> deployment_values(const server_config& config) {
    dialog::load_options options;
    for (const auto& [name, value] : config.practice) {
        for (const auto decided : server_decided) {
            if (name == decided) {
                return fail("practice_states_storage",
                            "practice." + name +
                                " cannot be set by hand: it is derived from transcripts.enabled "
                                "and transcripts.retention_days, so what the chat says about "
                                "storage is always what the server does. Remove it.",
                            "practice." + name);
            }
        }
        options.deployment[name] = value;
    }
    options.deployment["transcripts_kept"] = config.transcripts ? "yes" : "no";
    options.deployment["retention_days"] = std::to_string(config.transcript_retention_days);
    return options;
}

} // namespace heregoes::server
