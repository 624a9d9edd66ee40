#!/bin/sh
# The Node.js version test of tests/setup-debian.sh (--check-node) and of tests/Node.cmake, run
# against stub `node` programs on PATH: Debian 12's 18 and anything older than the minimum in
# tests/node-version.sh are refused, the minimum and newer are accepted, and so is the pinned one.
#   check_node_test.sh <source dir> <cmake>
set -u
source_dir=$1
cmake=$2
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
. "$source_dir/tests/node-version.sh"
passed=0
failed=0

# A PATH holding only the tools the script needs, plus a `node` that prints <version>.
tools="$scratch/tools"
mkdir -p "$tools"
for tool in dirname sort head sed cat make grep; do ln -s "$(command -v "$tool")" "$tools/$tool"; done
stub() {
  rm -rf "$scratch/stub"
  mkdir -p "$scratch/stub"
  [ "$1" = none ] && return
  printf '#!/bin/sh\necho "%s"\n' "$1" >"$scratch/stub/node"
  chmod +x "$scratch/stub/node"
}

# verdict <accepted|refused> <exit status> <output> <what>: a refusal must say why (the version
# the tests need), so that no other failure passes for one.
verdict() {
  case "$1:$2" in
    accepted:0) passed=$((passed + 1)) ;;
    refused:1)
      if printf '%s' "$3" | grep -q "$node_minimum"; then
        passed=$((passed + 1))
      else
        echo "FAIL: $4 refused without naming Node.js $node_minimum:"
        printf '%s\n' "$3" | sed 's/^/      /'
        failed=$((failed + 1))
      fi
      ;;
    *)
      echo "FAIL: $4: exit $2, expected $1:"
      printf '%s\n' "$3" | sed 's/^/      /'
      failed=$((failed + 1))
      ;;
  esac
}

# expect <accepted|refused> <what node --version prints, or none>
expect() {
  stub "$2"
  output=$(PATH="$scratch/stub:$tools" /bin/sh "$source_dir/tests/setup-debian.sh" --check-node 2>&1)
  verdict "$1" $? "$output" "setup-debian.sh --check-node with node printing '$2'"
  # tests/Node.cmake, configuring a project that includes it, with the same node on PATH.
  mkdir -p "$scratch/project"
  printf 'cmake_minimum_required(VERSION 3.22)\nproject(check NONE)\ninclude("%s/tests/Node.cmake")\n' \
    "$source_dir" >"$scratch/project/CMakeLists.txt"
  rm -rf "$scratch/build"
  # Only PATH is searched, not /usr/bin and the like, so that "none" means none.
  output=$(PATH="$scratch/stub:$tools" "$cmake" -S "$scratch/project" -B "$scratch/build" \
    -DCMAKE_FIND_USE_CMAKE_SYSTEM_PATH=OFF 2>&1)
  verdict "$1" $? "$output" "tests/Node.cmake with node printing '$2'"
}

expect refused v18.20.4 # Debian 12's nodejs
expect refused v18.19.0
expect refused v20.5.1
expect refused v20.20.2 # an older LTS: the replica's 64-bit Wasm needs Node.js 24's V8
expect refused v23.11.1
expect accepted "v$node_minimum"
expect accepted v24.10.0 # 10 > 0: compared as numbers, not as text
expect accepted "v$node_pinned"
expect accepted v100.0.0
expect refused none
expect refused "not a version"

echo "check-node: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
