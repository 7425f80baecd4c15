// The `serve` subcommand: configuration, logger, server, and the signal loop on the main thread,
// which is the control thread: reloads and the drain block here, never on a network thread.

#include "engine/server/serve_command.hpp"

#include "engine/server/server.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <csignal>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <vector>

namespace heregoes::server {

namespace {

constexpr int exit_ok = 0;
constexpr int exit_failed = 1;
constexpr int exit_usage = 2;

} // namespace

int run_serve(std::span<const std::string> args) {
    auto loaded = load_config(args, [](const char* name) { return std::getenv(name); });
    if (!loaded) {
        std::cerr << "heregoes serve: " << loaded.error().to_string()
                  << "\nRun `heregoes serve --help` for every setting.\n";
        return exit_usage;
    }
    if (loaded->help) {
        print_help(std::cout);
        return exit_ok;
    }
    const auto& config = loaded->config;
    logger log(log_level_from_string(config.log_level).value_or(log_level::info));
    log.write(log_level::info, "starting", {{"config", to_json(config)}});

    auto created = server::create(config, log);
    if (!created) {
        log.write(log_level::error,
                  "startup_failed",
                  {{"code", created.error().code}, {"message", created.error().to_string()}});
        return exit_failed;
    }
    auto& srv = **created;

    boost::asio::io_context control(1);
    boost::asio::signal_set signals(control, SIGINT, SIGTERM, SIGHUP);
    srv.start();

    std::function<void()> wait_for_signal = [&] {
        signals.async_wait([&](const boost::system::error_code& ec, int signal) {
            if (ec) {
                return;
            }
            if (signal == SIGHUP) {
                log.write(log_level::info, "reload_requested");
                (void)srv.reload(); // failures are logged and keep the loaded dialogs
                wait_for_signal();
                return;
            }
            log.write(log_level::info, "drain_requested", {{"signal", signal}});
            srv.drain();
            control.stop();
        });
    };
    wait_for_signal();
    control.run();
    return exit_ok;
}

int run_serve(int argc, char** argv) {
    std::vector<std::string> args;
    for (int i = 1; i < argc; ++i) {
        args.emplace_back(argv[i]);
    }
    return run_serve(args);
}

} // namespace heregoes::server
