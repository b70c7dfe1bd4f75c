#!/usr/bin/env bash
# scripts/arm64-sysroot.sh [dir]: an arm64 (aarch64) Debian 12 sysroot, default
# build-arm64/sysroot, holding what the linux-arm64 addon build and its test need:
#   liblmdb-dev, libxxhash-dev (arm64)   static libraries + .pc files, linked into the
#                        cross-built addon
#   nodejs:arm64 + its libraries   Debian's arm64 Node, run under qemu-aarch64 -L <dir>
# The packages come from Debian's archive through apt with a private state folder and
# arm64 as its only architecture: the machine's dpkg (its architectures, its own amd64
# nodejs) is never touched; nothing is installed, each .deb is unpacked with dpkg -x.
# Idempotent: does nothing when <dir>/.complete lists the same packages.
set -euo pipefail
cd "$(dirname "$0")/.."
SYSROOT="$(mkdir -p "${1:-build-arm64/sysroot}" && cd "${1:-build-arm64/sysroot}" && pwd)"
PKGS="liblmdb-dev libxxhash-dev nodejs"
[ "$(cat "$SYSROOT/.complete" 2>/dev/null)" = "$PKGS" ] && exit 0
STATE="$(dirname "$SYSROOT")/apt-arm64"
mkdir -p "$STATE/lists/partial" "$STATE/cache/archives/partial" "$STATE/etc"
: >"$STATE/status"
# The machine's Debian sources (deb822 or one-line), minus anything not Debian.
grep -l 'deb.debian.org\|debian' /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null |
  xargs cat >"$STATE/etc/sources.sources" || true
APT=(-o APT::Architecture=arm64 -o APT::Architectures::=arm64 -o Dir::State="$STATE" -o Dir::State::status="$STATE/status"
     -o Dir::Cache="$STATE/cache" -o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts="$STATE/etc"
     -o Dir::Etc::Preferences=/dev/null -o Dir::Etc::PreferencesParts=/dev/null -o APT::Sandbox::User=root
     -o Debug::NoLocking=1 -q)
echo "== arm64 package lists (private apt state in $STATE)"
apt-get "${APT[@]}" update >/dev/null
echo "== downloading $PKGS (arm64) and their dependencies"
# shellcheck disable=SC2086
apt-get "${APT[@]}" install --download-only --no-install-recommends -y $PKGS >/dev/null
n=0
for deb in "$STATE"/cache/archives/*.deb; do
  dpkg -x "$deb" "$SYSROOT"
  n=$((n + 1))
done
# Absolute symlinks inside the sysroot (e.g. lib -> usr/lib is relative, but some
# libraries link to /lib/...) must point into it.
find "$SYSROOT" -type l -lname '/*' | while read -r l; do ln -sfn "$SYSROOT$(readlink "$l")" "$l"; done
echo "$PKGS" >"$SYSROOT/.complete"
echo "arm64 sysroot: $SYSROOT ($n packages; node $(ls "$SYSROOT/usr/bin/node" >/dev/null && echo present))"
