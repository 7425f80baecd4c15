#pragma once

// `heregoes serve`: runs the chat server until SIGTERM or SIGINT (drain, exit 0); SIGHUP reloads
// the dialogs, the safety data and the widget files. Settings and `--help`: server_config.hpp.

#include <span>
#include <string>

namespace heregoes::server {

// Runs the server with the words after "serve"; returns the exit status: 0 after a drain or
// --help, 1 when the server could not start, 2 for a bad setting or flag.
int run_serve(std::span<const std::string> args);

// The same, with argv[0] the subcommand's name ("serve") and the settings after it.
int run_serve(int argc, char** argv);

} // namespace heregoes::server
