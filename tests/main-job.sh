#!/bin/sh
# The main job: builds and installs juno-cmake, starts the local replica, creates the example
# satellite's module there, and runs `make juno_upgrade` on examples/satellite twice: first to
# install version 1, then, after switching to version 2, to back the module up and upgrade it.
# Then it lists the backups. Everything lands in build/main-job.
set -eu
cd "$(dirname "$0")/.."
root=$(pwd)
work="$root/build/main-job"
rm -rf "$work"
mkdir -p "$work"

echo "== building and installing juno-cmake"
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release -DJUNO_BUILD_TESTS=OFF >"$work/configure.log"
cmake --build build/release >"$work/build.log"
cmake --install build/release --prefix "$work/prefix" >"$work/install.log"
helper="$work/prefix/bin/juno-helper"

echo "== starting the local replica"
node tests/replica/replica.mjs --port 0 >"$work/replica.out" 2>"$work/replica.err" &
replica_pid=$!
trap 'kill $replica_pid 2>/dev/null || true' EXIT INT TERM
for _ in $(seq 50); do
  [ -s "$work/replica.out" ] && break
  sleep 0.1
done
url=$(head -n 1 "$work/replica.out" | sed 's/^listening on //')
echo "replica at $url"

echo "== creating the satellite module, controlled by a fresh identity"
openssl genpkey -algorithm ed25519 -out "$work/identity.pem"
principal=$("$helper" whoami --identity "$work/identity.pem")
echo "identity $principal"
# juno.config.json names the first canister the replica creates as the development satellite.
node -e '
  const [url, controller] = process.argv.slice(1);
  const res = await fetch(url + "/_/admin/canisters", { method: "POST",
    body: JSON.stringify({ controllers: [controller] }) });
  if (!res.ok) throw new Error("creating the module failed: " + res.status);
  console.log("created", (await res.json()).canister_id);
' --input-type=module "$url" "$principal"

echo "== examples/satellite, version 1: make juno_upgrade installs it"
cmake -S examples/satellite -B "$work/satellite" -G "Unix Makefiles" \
  -DCMAKE_PREFIX_PATH="$work/prefix" -DJUNO_MODE=development -DJUNO_NETWORK="$url" \
  -DJUNO_IDENTITY="$work/identity.pem" -DSATELLITE_VERSION=1 >"$work/satellite-configure.log"
make -C "$work/satellite" --no-print-directory juno_upgrade

echo "== version 2: make juno_upgrade backs the module up, then upgrades it"
cmake -DSATELLITE_VERSION=2 "$work/satellite" >>"$work/satellite-configure.log"
make -C "$work/satellite" --no-print-directory juno_upgrade

echo "== the backups"
make -C "$work/satellite" --no-print-directory juno_backup_list
"$helper" status --config "$work/satellite/juno/satellite.json"
