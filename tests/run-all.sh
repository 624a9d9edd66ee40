#!/bin/sh
# Builds juno-cmake with warnings as errors and runs every test: unit tests, cross-checks against
# DFINITY's libraries, the CMake sample projects, the local replica's tests and the end-to-end
# tests; then the benchmarks in an optimised build; then a bounded run of each fuzz target.
# Every stage runs even when an earlier one failed; the summary at the end names the ones that
# failed, and the exit status is non-zero if any did.
set -u
cd "$(dirname "$0")/.."
jobs=$(nproc 2>/dev/null || echo 2)
failed=""
summary=""

# begin <stage>, step <command...>, end: a stage is its steps; a failed step fails the stage and
# skips the stage's later steps (a build that failed has nothing to test).
current=""
stage_ok=true
begin() {
  current=$1
  stage_ok=true
  echo "== $current"
}
step() {
  $stage_ok || return 0
  if ! "$@"; then
    echo "run-all: $current: \`$*\` failed" >&2
    stage_ok=false
  fi
}
end() {
  if $stage_ok; then
    summary="$summary
  $current: passed"
  else
    summary="$summary
  $current: FAILED"
    failed="$failed $current"
  fi
}

begin tests
step cmake -S . -B build/tests -G Ninja -DCMAKE_BUILD_TYPE=Debug -DJUNO_WARNINGS_AS_ERRORS=ON
step cmake --build build/tests -j "$jobs"
step ctest --test-dir build/tests --output-on-failure -j "$jobs" -LE bench
end

# Benchmarks: an optimised build, run one at a time so that their numbers mean something.
begin "benchmarks"
step cmake -S . -B build/bench -G Ninja -DCMAKE_BUILD_TYPE=Release
step cmake --build build/bench -j "$jobs" --target juno-helper juno_bls_bench
step ctest --test-dir build/bench --output-on-failure -L bench -V
end

# The fuzzers need clang's libFuzzer and sanitizers, so they get a build of their own.
begin "fuzzers"
step env CXX=clang++ cmake -S . -B build/fuzz -G Ninja -DCMAKE_BUILD_TYPE=Debug -DJUNO_BUILD_FUZZERS=ON \
  -DJUNO_BUILD_TESTS=OFF -DJUNO_FUZZ_SECONDS="${JUNO_FUZZ_SECONDS:-30}"
step cmake --build build/fuzz -j "$jobs" --target juno_fuzzers
step ctest --test-dir build/fuzz --output-on-failure -L fuzz
end

echo "== summary$summary"
if [ -n "$failed" ]; then
  echo "run-all: failed stages:$failed" >&2
  exit 1
fi
