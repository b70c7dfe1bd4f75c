#!/usr/bin/env bash
# The installed C++ package, used as a project outside the tree would:
#   tests/package/test_consumer.sh <install prefix>   (an existing `cmake --install` tree)
#   tests/package/test_consumer.sh --from-build <build dir>   (installs it first, to a temp dir)
# Builds tests/package/consumer with find_package(ruvector) against ruvector::ruvector
# (shared) and ruvector::ruvector_static, and with pkg-config (shared), runs each,
# checks that each reports the VERSION file's version, that the shared builds load
# libruvector.so from the prefix and the static build has no libruvector dependency,
# and that the installed bin/ruvector reports the same version.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
want="$(head -1 "$root/VERSION")"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

if [ "${1:-}" = "--from-build" ]; then
  prefix="$tmp/prefix"
  cmake --install "$2" --prefix "$prefix" >/dev/null
else
  prefix="$(cd "$1" && pwd)"
fi
fail() { echo "test_consumer: FAIL: $*" >&2; exit 1; }

for f in include/ruvector/ruvector.h lib/libruvector.a lib/libruvector.so lib/cmake/ruvector/ruvectorConfig.cmake \
         lib/pkgconfig/ruvector.pc bin/ruvector; do
  [ -e "$prefix/$f" ] || fail "the install tree lacks $f"
done

check_run() {  # <label> <program> <expect shared: yes|no>
  local out
  out="$("$2" "$tmp/db-$1")" || fail "$1: the consumer failed"
  [ "$out" = "ruvector $want ok 300" ] || fail "$1: printed '$out', expected 'ruvector $want ok 300'"
  local lib
  lib="$(ldd "$2" | awk '/libruvector\.so/ {print $3}')"
  if [ "$3" = yes ]; then
    [ -n "$lib" ] && [ "$(realpath "$lib")" = "$(realpath "$prefix/lib/libruvector.so.$want")" ] ||
      fail "$1: loads '$lib', not the installed $prefix/lib/libruvector.so.$want"
  else
    [ -z "$lib" ] || fail "$1: the static build depends on $lib"
  fi
  echo "ok: $1: $out${lib:+ ($lib)}"
}

for kind in shared static; do
  target=ruvector::ruvector; [ $kind = static ] && target=ruvector::ruvector_static
  cmake -S "$here/consumer" -B "$tmp/cmake-$kind" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$prefix" \
    -DRUVECTOR_TARGET=$target -DRUVECTOR_EXPECT_VERSION="$want" >"$tmp/configure-$kind.log" 2>&1 ||
    { cat "$tmp/configure-$kind.log" >&2; fail "find_package(ruvector $want EXACT) ($kind)"; }
  cmake --build "$tmp/cmake-$kind" >/dev/null || fail "build against $target"
  check_run "find_package $target" "$tmp/cmake-$kind/consumer" "$([ $kind = shared ] && echo yes || echo no)"
done

export PKG_CONFIG_PATH="$prefix/lib/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
[ "$(pkg-config --modversion ruvector)" = "$want" ] || fail "pkg-config --modversion ruvector: $(pkg-config --modversion ruvector)"
# shellcheck disable=SC2046
${CXX:-g++} -O1 -o "$tmp/pc-consumer" "$here/consumer/main.cpp" $(pkg-config --cflags --libs ruvector) \
  -Wl,-rpath,"$(pkg-config --variable=libdir ruvector)" || fail "g++ with pkg-config --cflags --libs ruvector"
check_run "pkg-config ruvector" "$tmp/pc-consumer" yes

cli="$("$prefix/bin/ruvector" --version)"
[[ "$cli" == "ruvector $want "* ]] || fail "installed bin/ruvector --version: $cli"
echo "ok: $cli"
echo "test_consumer: the installed package works (find_package shared + static, pkg-config, CLI)"
