#!/bin/sh
# Installs what building and testing juno-cmake needs on Debian 12, as root: the compilers and
# libraries from Debian, and the npm packages of the test tools (the local replica, DFINITY's
# libraries for cross-checks, DFINITY's icp CLI). Safe to run again.
set -eu
cd "$(dirname "$0")/.."

packages="build-essential cmake ninja-build pkg-config git
  libssl-dev libcurl4-openssl-dev libcbor-dev rapidjson-dev zlib1g-dev libgtest-dev libbenchmark-dev
  clang lld libclang-rt-14-dev clang-format openssl faketime"
command -v node >/dev/null 2>&1 || packages="$packages nodejs npm"

missing=""
for p in $packages; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends $missing
fi

for dir in tests/crosscheck tests/replica; do
  if [ -f "$dir/package-lock.json" ]; then
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
done
