#pragma once

// Command-line options of bench_loadgen. Each run measures one thing (one mode) against one
// server, and prints one JSON line, so run.sh can repeat, aggregate and tabulate runs freely.

#include "engine/core/expected.hpp"

#include <cstddef>
#include <string>

namespace heregoes::bench {

// What the run measures.
enum class run_mode {
    closed,  // saturation: N sessions, one turn in flight each, as fast as answers come back
    open,    // latency at a fixed offered rate, timed from each turn's intended send time
    idle,    // memory: open N sessions, one greeting turn each, then hold them
    connect, // session creation: connect, upgrade, start, first bot message; then drop
};

// How a turn's end is recognised.
enum class protocol_kind {
    v1,   // heregoes protocol v1: a turn ends at the frame with "await":true (or an error frame)
    echo, // the transport floor: a turn is one frame sent and the same frame echoed back
};

struct loadgen_options {
    std::string host = "127.0.0.1";
    unsigned short port = 0;
    std::string target = "/ws";
    run_mode mode = run_mode::closed;
    protocol_kind protocol = protocol_kind::v1;
    std::string walk_path;            // the scripted walk (required)
    std::size_t sessions = 100;       // sessions held open (closed, open, idle)
    double warmup_s = 1.0;            // closed/open: load applied but not measured
    double measure_s = 3.0;           // closed/open: the measured window
    double rate = 0.0;                // open: offered turns per second across all sessions
    std::size_t connect_total = 2000; // connect: how many sessions to create
    std::size_t in_flight = 200;      // connects (and handshakes) in progress at once
    double hold_s = 2.0;              // idle: how long to hold before reading the server's memory
    int server_pid = 0;               // server process to read CPU and memory from; 0 = none
    double window_seconds = 0.0;      // open: length of the latency series' windows; 0 = no series
    std::string progress_path;        // a file to append one progress line to every second
    std::string label;                // free text copied into the JSON line (e.g. "engine")
};

// Parses argv (see usage()). Errors name the offending option.
heregoes::expected<loadgen_options> parse_options(int argc, char** argv);

// The usage text printed for --help and after an option error.
const char* usage();

} // namespace heregoes::bench
