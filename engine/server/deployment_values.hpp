#pragma once

// The values a deployment gives its dialogs ("from": "deployment" variables): the practice's own
// settings from the configuration, plus the facts the server itself decides. What the chat says
// about storage must be true, so `transcripts_kept` and `retention_days` come from the store
// settings, never from hand-written practice values that could contradict them.

#include "engine/core/expected.hpp"
#include "engine/dialog/dialog.hpp"
#include "engine/server/server_config.hpp"

namespace heregoes::server {

// Dialog load options for `config`; an error when the practice settings try to state storage
// facts themselves (they would be able to disagree with what the store really keeps).
expected<dialog::load_options> deployment_values(const server_config& config);

} // namespace heregoes::server
