#!/usr/bin/env bash
# Builds @ruvector/core (npm/core), offline after its `npm ci`:
#   1. npm ci in npm/core when node_modules is missing or the lockfile changed
#   2. the addon with cmake-js (incremental) -> npm/core/build/Release/ruvector.node
#   3. the prebuild with prebuildify --napi --strip -> npm/core/prebuilds/linux-x64/
#   4. the package's JS build step (`npm run build:js`) when it has one
# Used by scripts/test-node.sh and scripts/build-packages.sh (make packages).
# Needs: cmake, a C++20 compiler, pkg-config, liblmdb-dev, nlohmann-json3-dev, node >= 18.
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

"$ROOT/scripts/npm-ci.sh" "$PKG"
cd "$PKG"

echo "== cmake-js compile"
npx --no-install cmake-js compile --log-level warn
echo "== prebuildify --napi --strip"
npm run --silent build:prebuilds
node_bin="$(ls prebuilds/linux-x64/*.node 2>/dev/null | head -1 || true)"
[ -n "$node_bin" ] && echo "prebuilt binary: $node_bin ($(stat -c %s "$node_bin") bytes, stripped)"
npm run --silent --if-present build:js
