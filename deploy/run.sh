#!/usr/bin/env bash
# The README's first command: install dependencies, build, and run heregoes on embedded defaults
# (SQLite under ./data, the dialogs in ./dialogs, the demo page at http://localhost:8080/).
# Extra arguments go to `heregoes serve` (try --help).
set -euo pipefail
cd "$(dirname "$0")/.."

deploy/install-deps.sh
cmake --preset default >/dev/null
cmake --build --preset default
exec build/default/heregoes serve "$@"
