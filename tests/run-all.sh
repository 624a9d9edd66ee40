#!/bin/sh
# Builds juno-cmake with warnings as errors and runs every test: unit tests, cross-checks against
# DFINITY's libraries, the local replica's tests, and a bounded run of each fuzz target.
set -eu
cd "$(dirname "$0")/.."
jobs=$(nproc 2>/dev/null || echo 2)

cmake -S . -B build/tests -G Ninja -DCMAKE_BUILD_TYPE=Debug -DJUNO_WARNINGS_AS_ERRORS=ON
cmake --build build/tests -j "$jobs"
ctest --test-dir build/tests --output-on-failure -j "$jobs" -LE bench

# Benchmarks: an optimised build, run one at a time so that their numbers mean something.
cmake -S . -B build/bench -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build build/bench -j "$jobs" --target juno-helper juno_bls_bench
ctest --test-dir build/bench --output-on-failure -L bench -V

# The fuzzers need clang's libFuzzer and sanitizers, so they get a build of their own.
CXX=clang++ cmake -S . -B build/fuzz -G Ninja -DCMAKE_BUILD_TYPE=Debug -DJUNO_BUILD_FUZZERS=ON -DJUNO_BUILD_TESTS=OFF \
  -DJUNO_FUZZ_SECONDS="${JUNO_FUZZ_SECONDS:-30}"
cmake --build build/fuzz -j "$jobs" --target juno_fuzzers
ctest --test-dir build/fuzz --output-on-failure -L fuzz
