#!/usr/bin/env bash
# The README's second command: install what the tests need, build, and run every test:
#   1. the default build: every GoogleTest suite, the dialog lint and transcript tests, fuzz smoke runs;
#   2. the same suites under AddressSanitizer + UndefinedBehaviorSanitizer;
#   3. the widget in headless Chromium (playwright-core + axe-core);
#   4. a seconds-long smoke run of the benchmark harness (it measures nothing that can fail a build).
# Set HEREGOES_SKIP_ASAN=1 or HEREGOES_SKIP_BROWSER=1 to leave a stage out while iterating locally.
set -euo pipefail
cd "$(dirname "$0")/.."

deploy/install-deps.sh --test

jobs=$(nproc)

echo "== default build"
cmake --preset default >/dev/null
cmake --build --preset default -j "$jobs"
ctest --preset default -j "$jobs"

if [[ "${HEREGOES_SKIP_ASAN:-0}" != 1 ]]; then
    echo "== ASan + UBSan build"
    cmake --preset asan-ubsan >/dev/null
    cmake --build --preset asan-ubsan -j "$jobs"
    ctest --preset asan-ubsan -j "$jobs"
fi

if [[ "${HEREGOES_SKIP_BROWSER:-0}" != 1 && -x tests/widget/run.sh ]]; then
    echo "== widget in headless Chromium"
    HEREGOES_BIN="$PWD/build/default/heregoes" tests/widget/run.sh
fi

if [[ -x tests/bench/run.sh ]]; then
    echo "== benchmark harness smoke run"
    BUILD_DIR="$PWD/build/default" tests/bench/run.sh --smoke
fi
echo "== all tests passed"
