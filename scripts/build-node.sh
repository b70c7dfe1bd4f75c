#!/usr/bin/env bash
# Builds @ruvector/core (npm/core), offline after its `npm ci`:
#   1. npm ci in npm/core when node_modules is missing or the lockfile changed
#   2. the addon with cmake-js (incremental) -> npm/core/build/Release/ruvector.node
#   3. the prebuild with prebuildify --napi --strip -> npm/core/prebuilds/linux-x64/
#   4. the linux-arm64 prebuild, cross-compiled -> npm/core/prebuilds/linux-arm64/
#      (scripts/arm64-sysroot.sh provides arm64 liblmdb; RUVECTOR_ARM64=0 skips it)
#   5. the package's JS build step (`npm run build:js`) when it has one
# Used by scripts/test-node.sh and scripts/build-packages.sh (make packages).
# Needs: cmake, a C++20 compiler, pkg-config, liblmdb-dev, nlohmann-json3-dev, node >= 18,
# g++-aarch64-linux-gnu.
# Idempotent: a second run rebuilds nothing that is up to date.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PKG="$ROOT/npm/core"
export npm_config_nodedir="${npm_config_nodedir:-/usr}"   # node-gyp/prebuildify: never download headers
export npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
export CMAKE_BUILD_PARALLEL_LEVEL="${CMAKE_BUILD_PARALLEL_LEVEL:-2}"

for tool in cmake pkg-config node npm; do
  command -v "$tool" >/dev/null || { echo "build-node.sh: '$tool' is missing (see the Makefile's setup target)" >&2; exit 1; }
done
pkg-config --exists lmdb || { echo "build-node.sh: liblmdb-dev is missing (apt-get install liblmdb-dev)" >&2; exit 1; }

"$ROOT/scripts/build-contract.sh"
"$ROOT/scripts/npm-ci.sh" "$PKG"
cd "$PKG"

echo "== cmake-js compile"
npx --no-install cmake-js compile --log-level warn
echo "== prebuildify --napi --strip"
npm run --silent build:prebuilds
node_bin="$(ls prebuilds/linux-x64/*.node | head -1)"

# linux-arm64: the same addon cross-built (g++-aarch64-linux-gnu) against a sysroot of
# Debian's arm64 packages (static liblmdb), stripped, next to the x64 one.
if [ "${RUVECTOR_ARM64:-1}" != 0 ]; then
  command -v aarch64-linux-gnu-g++ >/dev/null ||
    { echo "build-node.sh: aarch64-linux-gnu-g++ is missing (apt-get install g++-aarch64-linux-gnu; RUVECTOR_ARM64=0 skips the arm64 prebuild)" >&2; exit 1; }
  echo "== linux-arm64 addon (cross-compiled)"
  sysroot="$ROOT/build-arm64/sysroot"
  "$ROOT/scripts/arm64-sysroot.sh" "$sysroot"
  RUVECTOR_ARM64_SYSROOT="$sysroot" npx --no-install cmake-js compile --arch arm64 -O build-arm64 --log-level warn \
    --CDCMAKE_TOOLCHAIN_FILE="$ROOT/cmake/toolchain-aarch64-linux-gnu.cmake" --CDRUVECTOR_ARM64_SYSROOT="$sysroot" \
    --CDnlohmann_json_DIR="$ROOT/bindings/wasm/cmake/nlohmann_json"
  mkdir -p prebuilds/linux-arm64
  rm -f prebuilds/linux-arm64/*.node
  aarch64-linux-gnu-strip --strip-unneeded -o "prebuilds/linux-arm64/$(basename "$node_bin")" build-arm64/Release/ruvector.node
fi
for f in prebuilds/*/*.node; do echo "prebuilt binary: $f ($(stat -c %s "$f") bytes, stripped)"; done
npm run --silent --if-present build:js
