#pragma once

// Exit statuses of every `heregoes` subcommand, so scripts and CI can tell "your dialog has
// problems" from "you called the tool wrongly".

namespace heregoes::cli {

inline constexpr int exit_ok = 0; // done, nothing wrong
inline constexpr int exit_findings =
    1; // ran, and found problems: lint errors, failed tests, low coverage
inline constexpr int exit_usage =
    2; // could not run as asked: unknown command or flag, missing file

} // namespace heregoes::cli
