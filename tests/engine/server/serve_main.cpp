// The `serve` subcommand as its own executable, so process tests can kill -9, restart and signal
// a real server process without depending on the full `heregoes` command line.

#include "engine/server/serve_command.hpp"

int main(int argc, char** argv) {
    return heregoes::server::run_serve(argc, argv);
}
