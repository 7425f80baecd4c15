#!/usr/bin/env bash
# Installs everything heregoes needs to build, run and test on Debian 12, as root (or via sudo).
# Idempotent: packages already present are skipped by apt, so CI and developers can call it always.
# Usage: deploy/install-deps.sh [--test]   (--test adds what only the test suite needs)
set -euo pipefail

build_packages=(
    g++ cmake ninja-build pkg-config git ca-certificates
    libboost1.81-all-dev nlohmann-json3-dev libre2-dev libsqlite3-dev libssl-dev
    libgtest-dev libgmock-dev libbenchmark-dev
)
# The browser tests drive Debian's Chromium with playwright-core from npm (no browser download);
# the benchmark's Node.js peer and the widget tests need node and npm.
test_packages=(chromium sqlite3 procps iproute2 util-linux)

want=("${build_packages[@]}")
if [[ "${1:-}" == "--test" ]]; then
    want+=("${test_packages[@]}")
    command -v node >/dev/null 2>&1 || want+=(nodejs)
    command -v npm >/dev/null 2>&1 || want+=(npm)
fi

missing=()
for p in "${want[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
    echo "install-deps: everything is already installed"
    exit 0
fi

as_root=()
[[ $(id -u) -eq 0 ]] || as_root=(sudo)
echo "install-deps: installing ${missing[*]}"
"${as_root[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
