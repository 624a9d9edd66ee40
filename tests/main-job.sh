#!/bin/sh
# The main job: builds and installs juno-cmake, starts the local replica, creates the example
# satellite's module there, and runs `make juno_upgrade` on examples/satellite twice: first to
# install version 1, then, after switching to version 2, to back the module up and upgrade it.
# Between the steps DFINITY's icp CLI calls the running satellite (a counter), so the story shows:
# the counter survives the upgrade and v2 counts in tens; the upgrade's restore point was copied
# off-chain (JUNO_UPGRADE_DOWNLOAD), so when the module then loses its backups and its code, `make
# juno_restore_from_satellite` brings v1 and its count back from that folder; `make juno_restore`
# brings back v1 and the count it had; an upgrade to a build whose post_upgrade traps fails and v1
# runs on. Then it lists the backups. A second story follows (motoko_story): a Motoko counter from
# examples/motoko keeps its count across `make juno_upgrade` and `make juno_restore` brings back
# version 1 and its count. Everything lands in build/main-job.
set -eu
cd "$(dirname "$0")/.."
root=$(pwd)
work="$root/build/main-job"
rm -rf "$work"
mkdir -p "$work"
# The helper's per-module journals, locks and records (normally ~/.local/state/juno-cmake) stay
# with this story's replica.
export XDG_STATE_HOME="$work/state"

# quietly <log> <command...>: runs a step whose output only matters when it fails; then the
# terminal shows the command, its exit status and the end of its own output.
quietly() {
  log=$1
  shift
  status=0
  "$@" >"$log" 2>&1 || status=$?
  if [ "$status" -ne 0 ]; then
    echo "main-job: \`$*\` failed with exit status $status. The end of its output ($log):" >&2
    tail -n 40 "$log" >&2
    exit 1
  fi
}

echo "== building and installing juno-cmake"
quietly "$work/configure.log" cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release -DJUNO_BUILD_TESTS=OFF
quietly "$work/build.log" cmake --build build/release
quietly "$work/install.log" cmake --install build/release --prefix "$work/prefix"
helper="$work/prefix/bin/juno-helper"

echo "== starting the local replica"
node tests/replica/replica.mjs --port 0 >"$work/replica.out" 2>"$work/replica.err" &
replica_pid=$!
trap 'kill $replica_pid 2>/dev/null || true' EXIT INT TERM
for _ in $(seq 100); do
  [ -s "$work/replica.out" ] && break
  kill -0 "$replica_pid" 2>/dev/null || break
  sleep 0.1
done
url=$(head -n 1 "$work/replica.out" | sed -n 's/^listening on //p')
if [ -z "$url" ]; then
  echo "main-job: the local replica (node tests/replica/replica.mjs) did not start:" >&2
  cat "$work/replica.err" >&2
  exit 1
fi
echo "replica at $url"

echo "== creating the satellite module, controlled by a fresh identity"
openssl genpkey -algorithm ed25519 -out "$work/identity.pem"
principal=$("$helper" whoami --identity "$work/identity.pem")
echo "identity $principal"
# juno.config.json names the first canister the replica creates as the development satellite.
satellite=$(node -e '
  const [url, controller] = process.argv.slice(1);
  const res = await fetch(url + "/_/admin/canisters", { method: "POST",
    body: JSON.stringify({ controllers: [controller] }) });
  if (!res.ok) throw new Error("creating the module failed: " + res.status);
  console.log((await res.json()).canister_id);
' --input-type=module "$url" "$principal")
echo "created $satellite"

# DFINITY's icp CLI (installed by tests/setup-debian.sh with the replica's npm packages) calls the
# satellite as any IC client would; it reads the Candid interface from the module's metadata.
icp="$root/tests/replica/node_modules/@icp-sdk/icp-cli-linux-x64/bin/icp"
export ICP_HOME="$work/icp" DO_NOT_TRACK=1
quietly "$work/icp.log" "$icp" identity import me --from-pem "$work/identity.pem" --storage plaintext
call() {
  printf '   icp canister call %s %s -> ' "$satellite" "$1"
  status=0
  answer=$("$icp" canister call "$satellite" "$1" '()' -n "$url" -k fetch --identity me 2>"$work/icp-call.err") ||
    status=$?
  if [ "$status" -ne 0 ]; then
    echo "(failed)"
    echo "main-job: \`icp canister call $satellite $1\` failed with exit status $status:" >&2
    cat "$work/icp-call.err" >&2
    exit 1
  fi
  echo "$answer"
}
# call_fails <method>: a call that must fail (the module has no code), with the IC's answer.
call_fails() {
  printf '   icp canister call %s %s -> ' "$satellite" "$1"
  if "$icp" canister call "$satellite" "$1" '()' -n "$url" -k fetch --identity me >"$work/icp-call.out" 2>&1; then
    echo "$(cat "$work/icp-call.out")"
    echo "main-job: \`icp canister call $satellite $1\` answered; the module should have no code" >&2
    exit 1
  fi
  echo "(failed, as it must)"
  grep -m 1 -o 'IC0[0-9]*[^"]*' "$work/icp-call.out" | sed 's/^/   /' || true
}

echo "== examples/satellite, version 1: make juno_upgrade installs it"
quietly "$work/satellite-configure.log" cmake -S examples/satellite -B "$work/satellite" -G "Unix Makefiles" \
  -DCMAKE_PREFIX_PATH="$work/prefix" -DJUNO_MODE=development -DJUNO_NETWORK="$url" \
  -DJUNO_IDENTITY="$work/identity.pem" -DSATELLITE_VERSION=1 -DJUNO_UPGRADE_DOWNLOAD=ON
make -C "$work/satellite" --no-print-directory juno_upgrade
call version
call increment

echo "== version 2: make juno_upgrade backs the module up, then upgrades it"
quietly "$work/satellite-configure-2.log" cmake -DSATELLITE_VERSION=2 "$work/satellite"
make -C "$work/satellite" --no-print-directory juno_upgrade
echo "-- the count survived the upgrade, and version 2 counts in tens:"
call version
call get
call increment

echo "-- JUNO_UPGRADE_DOWNLOAD copied the upgrade's restore point off-chain:"
copy=$(find "$work/satellite/juno/restore-points/satellite" -mindepth 1 -maxdepth 1 -type d)
if [ "$(echo "$copy" | wc -l)" -ne 1 ] || [ -z "$copy" ]; then
  echo "main-job: expected one copy in $work/satellite/juno/restore-points/satellite, found: $copy" >&2
  exit 1
fi
"$helper" verify --dir "$copy"

echo "== the disaster: the module loses its on-chain backups and its code"
JUNO_SNAPSHOT=all make -C "$work/satellite" --no-print-directory juno_backup_delete_satellite
node tests/replica/tools/uninstall-code.mjs "$url" "$work/identity.pem" "$satellite"
call_fails get

echo "== make juno_restore_from_satellite JUNO_BACKUP_FROM=<the copy>: version 1 and its count are back"
JUNO_BACKUP_FROM="$copy" make -C "$work/satellite" --no-print-directory juno_restore_from_satellite
call version
call get
call increment

echo "== make juno_restore: version 1 and the count it had before the upgrade are back"
make -C "$work/satellite" --no-print-directory juno_restore
call version
call get
call increment

echo "== a broken build (its post_upgrade traps): make juno_upgrade fails, version 1 runs on"
quietly "$work/satellite-configure-broken.log" cmake -DSATELLITE_VERSION=broken "$work/satellite"
if make -C "$work/satellite" --no-print-directory juno_upgrade >"$work/broken-upgrade.log" 2>&1; then
  cat "$work/broken-upgrade.log"
  echo "main-job: the upgrade to the broken build should have failed" >&2
  exit 1
fi
grep -E 'juno-helper|module satellite|Restore point' "$work/broken-upgrade.log" || cat "$work/broken-upgrade.log"
call version
call get
call increment

echo "== the backups"
make -C "$work/satellite" --no-print-directory juno_backup_list
"$helper" status --config "$work/satellite/juno/satellite.json"

# ---- the second story: a Motoko canister (examples/motoko) -------------------------------------
# The counter is compiled by the example's build with DFINITY's Motoko compiler (npm `motoko`, the
# copy tests/setup-debian.sh installs in tests/motoko), with enhanced orthogonal persistence: its
# state lives in the Wasm heap, which `make juno_upgrade` keeps across the upgrade to version 2 (a
# new field); `make juno_restore` brings back version 1 and its count.
motoko_story() {
  counter=$(node -e '
    const [url, controller] = process.argv.slice(1);
    const res = await fetch(url + "/_/admin/canisters", { method: "POST",
      body: JSON.stringify({ controllers: [controller] }) });
    if (!res.ok) throw new Error("creating the module failed: " + res.status);
    console.log((await res.json()).canister_id);
  ' --input-type=module "$url" "$principal")
  echo "== examples/motoko: created $counter; make juno_upgrade compiles version 1 and installs it"
  quietly "$work/motoko-configure.log" cmake -S examples/motoko -B "$work/motoko" -G "Unix Makefiles" \
    -DCMAKE_PREFIX_PATH="$work/prefix" -DJUNO_NETWORK="$url" -DJUNO_IDENTITY="$work/identity.pem" \
    -DCOUNTER_ID="$counter" -DMOTOKO_PACKAGE_DIR="$root/tests/motoko/node_modules/motoko"
  make -C "$work/motoko" --no-print-directory juno_upgrade
  counter_call increment
  counter_call increment

  echo "== version 2 (adds a field): make juno_upgrade keeps the Wasm heap, and the count with it"
  quietly "$work/motoko-configure-2.log" cmake -DCOUNTER_VERSION=2 "$work/motoko"
  make -C "$work/motoko" --no-print-directory juno_upgrade
  counter_call get
  counter_call increment
  counter_call increments_since_upgrade

  echo "== make juno_restore: version 1 and the count it had before the upgrade are back"
  make -C "$work/motoko" --no-print-directory juno_restore
  counter_call get
  counter_call increment
}

counter_call() {
  printf '   icp canister call %s %s -> ' "$counter" "$1"
  status=0
  answer=$("$icp" canister call "$counter" "$1" '()' -n "$url" -k fetch --identity me 2>"$work/icp-call.err") ||
    status=$?
  if [ "$status" -ne 0 ]; then
    echo "(failed)"
    echo "main-job: \`icp canister call $counter $1\` failed with exit status $status:" >&2
    cat "$work/icp-call.err" >&2
    exit 1
  fi
  echo "$answer"
}

motoko_story
