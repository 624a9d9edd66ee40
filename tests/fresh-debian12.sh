#!/bin/sh
# Tries the README's two commands as a new user would, on a fresh Debian 12: builds a minimal
# bookworm root with debootstrap (variant minbase: no compilers, no Node.js) from this machine's
# own Debian mirror, then, for each command, copies that root, puts a clean clone of this
# repository's HEAD in it and runs the command inside it as root. Prints each command's exit
# status and wall time; exits non-zero if either failed. Root only; not part of CI (it takes
# tens of minutes and installs hundreds of packages).
#
#   tests/fresh-debian12.sh [--dir <folder>] [--reuse-root] [--only main|test]
#
#   --dir <folder>  where the roots and logs go (default /var/tmp/juno-fresh-debian12)
#   --reuse-root    keep a bootstrapped root from an earlier run instead of making it anew
#   --only <which>  run only the README's main command or only its test command
#
# Each command's output is shown and kept in <folder>/<which>.log. The mounts a root needs
# (/proc, /sys, /dev) live in a private mount namespace, so they vanish with the run, whatever
# ends it.
set -eu
repo=$(cd "$(dirname "$0")/.." && pwd)
dir=/var/tmp/juno-fresh-debian12
reuse=false
only=""
while [ $# -gt 0 ]; do
  case $1 in
    --dir) dir=$2; shift 2 ;;
    --reuse-root) reuse=true; shift ;;
    --only) only=$2; shift 2 ;;
    *) echo "usage: tests/fresh-debian12.sh [--dir <folder>] [--reuse-root] [--only main|test]" >&2; exit 2 ;;
  esac
done
case $only in "" | main | test) ;; *) echo "fresh-debian12: --only takes main or test" >&2; exit 2 ;; esac
[ "$(id -u)" = 0 ] || { echo "fresh-debian12: run as root (debootstrap, chroot and mounts need it)" >&2; exit 2; }
for tool in debootstrap unshare git; do
  command -v "$tool" >/dev/null 2>&1 || { echo "fresh-debian12: needs $tool (Debian: apt-get install debootstrap util-linux git)" >&2; exit 2; }
done

# The README's commands, found as .ci/run finds the test command.
readme_command() {
  awk -v marker="<!-- $1-command -->" '$0 == marker {found=1; next}
       found && /^```/ {if (inblock) exit; inblock=1; next}
       inblock {print}' "$repo/README.md"
}

# This machine's Debian mirror: the first deb URI in its apt sources.
mirror=$(sed -n 's/^URIs: *\([^ ]*\).*/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n 1)
[ -n "$mirror" ] || mirror=$(awk '$1 == "deb" {print $2; exit}' /etc/apt/sources.list 2>/dev/null)
[ -n "$mirror" ] || { echo "fresh-debian12: no Debian mirror found in /etc/apt" >&2; exit 2; }

# Never delete through a mount: a root still mounted somewhere is refused.
remove_root() {
  if grep -q " $1[/ ]" /proc/self/mountinfo; then
    echo "fresh-debian12: $1 still has mounts; unmount them first" >&2
    exit 2
  fi
  rm -rf "$1"
}

mkdir -p "$dir"
base="$dir/bookworm"
if ! $reuse || [ ! -f "$base/.bootstrapped" ]; then
  remove_root "$base"
  echo "== debootstrap --variant=minbase bookworm from $mirror (log: $dir/debootstrap.log)"
  start=$(date +%s)
  if ! debootstrap --variant=minbase bookworm "$base" "$mirror" >"$dir/debootstrap.log" 2>&1; then
    tail -n 20 "$dir/debootstrap.log" >&2
    exit 1
  fi
  # The machine's apt sources (updates and security too) and its trust store's local additions,
  # as a freshly installed machine of this workplace would have them.
  cp /etc/apt/sources.list.d/*.sources "$base/etc/apt/sources.list.d/" 2>/dev/null && : >"$base/etc/apt/sources.list"
  mkdir -p "$base/usr/local/share/ca-certificates" "$base/etc/ssl/certs"
  cp /usr/local/share/ca-certificates/* "$base/usr/local/share/ca-certificates/" 2>/dev/null || true
  cp /etc/ssl/certs/ca-certificates.crt "$base/etc/ssl/certs/ca-certificates.crt"
  cp /etc/resolv.conf "$base/etc/resolv.conf"
  touch "$base/.bootstrapped"
  echo "   $(($(date +%s) - start)) s"
fi
for tool in node gcc g++ cmake npm; do
  [ ! -e "$base/usr/bin/$tool" ] || echo "fresh-debian12: note: the fresh root already has /usr/bin/$tool"
done

commit=$(git -C "$repo" rev-parse --short HEAD)
results=""
status_all=0
for which in main test; do
  [ -z "$only" ] || [ "$only" = "$which" ] || continue
  command=$(readme_command "$which")
  [ -n "$command" ] || { echo "fresh-debian12: README.md has no <!-- $which-command -->" >&2; exit 2; }
  root="$dir/$which"
  remove_root "$root"
  cp -a "$base" "$root"
  git clone --quiet "$repo" "$root/root/juno-cmake"
  echo "== $which command, in a fresh root at $root, on $commit: $command"
  start=$(date +%s)
  # A private mount namespace: /proc, /sys and /dev are mounted for this run only. The
  # environment is a fresh root login's, plus the CA bundle Node.js is told to trust here.
  {
    unshare --mount --propagation private -- sh -c '
      root=$1
      command=$2
      mount -t proc proc "$root/proc"
      mount -t sysfs sysfs "$root/sys"
      mount --rbind /dev "$root/dev"
      exec chroot "$root" /usr/bin/env -i HOME=/root TERM=dumb LANG=C.UTF-8 \
        PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        ${NODE_EXTRA_CA_CERTS:+NODE_EXTRA_CA_CERTS=$NODE_EXTRA_CA_CERTS} \
        sh -c "cd /root/juno-cmake && $command" </dev/null
    ' fresh "$root" "$command" && echo 0 >"$dir/$which.status" || echo $? >"$dir/$which.status"
  } 2>&1 | tee "$dir/$which.log"
  status=$(cat "$dir/$which.status")
  seconds=$(($(date +%s) - start))
  [ "$status" = 0 ] || status_all=1
  results="$results
  $which command ($command): exit status $status, wall time $((seconds / 60)) min $((seconds % 60)) s"
done

echo "== fresh Debian 12 (bookworm, minbase), $commit:$results"
exit "$status_all"
