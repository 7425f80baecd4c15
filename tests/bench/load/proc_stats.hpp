#pragma once

// Readings from /proc that the benchmark needs about another process (the server under test) and
// about the machine: CPU time used, resident memory and kernel slab. They are read before and after
// a measured window, so the server itself needs no instrumentation and every contender is measured
// the same way.

#include <cstdint>
#include <optional>

namespace heregoes::bench {

// CPU seconds (user + system) a process has used so far, or nothing when it cannot be read.
std::optional<double> process_cpu_seconds(int pid);

// Resident set size of a process in KiB (VmRSS), or nothing when it cannot be read.
std::optional<std::int64_t> process_rss_kib(int pid);

// Kernel slab memory of the whole machine in KiB (Slab in /proc/meminfo), or nothing.
std::optional<std::int64_t> machine_slab_kib();

// CPU seconds (user + system) this process has used so far.
double own_cpu_seconds();

} // namespace heregoes::bench
