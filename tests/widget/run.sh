#!/usr/bin/env bash
# Runs the widget's browser tests, as CI does: installs the pinned npm packages (playwright-core,
# axe-core; no browser download), checks that Debian's Chromium is there, and runs every
# *.test.mjs with node's test runner, one file at a time (each starts its own server and browser).
# HEREGOES_BIN names the heregoes binary (default build/default/heregoes, from the
# repository root); CHROMIUM_PATH names the browser (default /usr/bin/chromium).
set -euo pipefail
cd "$(dirname "$0")"

chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [[ ! -x "$chromium" ]]; then
    echo "Chromium not found at $chromium: install Debian's package (apt-get install chromium)" >&2
    echo "or set CHROMIUM_PATH." >&2
    exit 1
fi
"$chromium" --version 2>/dev/null || true

# Playwright must never fetch a browser of its own.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
npm ci --no-audit --no-fund --loglevel=error

if [[ -n "${HEREGOES_BIN:-}" ]]; then
    export HEREGOES_BIN
fi
exec node --test --test-concurrency=1 --test-reporter=spec "$@"
