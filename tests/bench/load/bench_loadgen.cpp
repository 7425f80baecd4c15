// bench_loadgen: the WebSocket load generator of the heregoes benchmark (tests/bench/run.sh).
// It speaks protocol v1 (or plain echo) to one server, measures one mode, and prints the result as
// one JSON line on stdout. Progress and errors go to stderr. Exit status 0 means the run completed
// with every session answered; 1 means it completed with errors; 2 means it could not run.

#include "tests/bench/load/load_driver.hpp"
#include "tests/bench/load/loadgen_options.hpp"
#include "tests/bench/load/progress_file.hpp"
#include "tests/bench/load/walk.hpp"

#include <boost/asio/io_context.hpp>

#include <cstdio>
#include <iostream>
#include <optional>

#include <sys/resource.h>

namespace {

// Lets the generator hold as many sockets as the hard limit allows (10k idle sessions need 10k).
void raise_open_file_limit() {
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
    }
}

} // namespace

int main(int argc, char** argv) {
    using namespace heregoes::bench;
    if (argc == 2 && std::string_view(argv[1]) == "--help") {
        std::cout << usage();
        return 0;
    }
    auto options = parse_options(argc, argv);
    if (!options) {
        std::cerr << "bench_loadgen: " << options.error().to_string() << "\n" << usage();
        return 2;
    }
    auto w = load_walk(options->walk_path);
    if (!w) {
        std::cerr << "bench_loadgen: " << w.error().to_string() << "\n";
        return 2;
    }
    std::optional<progress_file> progress;
    if (!options->progress_path.empty()) {
        auto opened = progress_file::open(options->progress_path);
        if (!opened) {
            std::cerr << "bench_loadgen: " << opened.error().to_string() << "\n";
            return 2;
        }
        progress.emplace(std::move(*opened));
    }
    raise_open_file_limit();
    // One thread drives every session: concurrency hint 1 lets Asio skip its internal locking.
    boost::asio::io_context ioc(1);
    load_driver driver(ioc, *options, *w, progress ? &*progress : nullptr);
    const auto result = driver.run();
    std::cout << result.dump() << std::endl;
    return result.value("errors", std::size_t{0}) == 0 ? 0 : 1;
}
