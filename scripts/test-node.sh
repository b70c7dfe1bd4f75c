#!/usr/bin/env bash
# Builds and tests the Node-API package @ruvector/core (npm/core), offline:
#   1. npm ci in npm/core when node_modules is missing or the lockfile changed
#   2. the addon with cmake-js (incremental) -> npm/core/build/Release/ruvector.node
#   3. the prebuild with prebuildify --napi --strip -> npm/core/prebuilds/linux-x64/
#   4. node --test npm/core/test/ (the shared contract suite, concurrency, threading,
#      durable storage, types, and the pack + offline install test)
#   --asan: also build npm/core/build-asan (engine + addon with ASan and UBSan) and run
#      the contract, threading, concurrency and durable tests under it
# Needs: cmake, a C++20 compiler, pkg-config, liblmdb-dev, nlohmann-json3-dev, node >= 18.
# Idempotent: a second run rebuilds nothing that is up to date.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PKG="$ROOT/npm/core"
export npm_config_nodedir="${npm_config_nodedir:-/usr}"   # node-gyp/prebuildify: never download headers
export npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
export CMAKE_BUILD_PARALLEL_LEVEL="${CMAKE_BUILD_PARALLEL_LEVEL:-2}"

for tool in cmake pkg-config node npm; do
  command -v "$tool" >/dev/null || { echo "test-node.sh: '$tool' is missing (see the Makefile's setup target)" >&2; exit 1; }
done
pkg-config --exists lmdb || { echo "test-node.sh: liblmdb-dev is missing (apt-get install liblmdb-dev)" >&2; exit 1; }

cd "$PKG"
lock_hash="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ ! -d node_modules ] || [ "$(cat node_modules/.ruvector-lock-hash 2>/dev/null)" != "$lock_hash" ]; then
  echo "== npm ci (npm/core)"
  npm ci --no-audit --no-fund
  echo "$lock_hash" > node_modules/.ruvector-lock-hash
fi
# The packaging test installs the tarball with --offline: its dependencies must be in the npm cache.
for dep in node-addon-api node-gyp-build; do
  v="$(node -p "require('./node_modules/$dep/package.json').version")"
  npm cache add --prefer-offline "$dep@$v" >/dev/null 2>&1 || npm cache add "$dep@$v" >/dev/null
done

echo "== cmake-js compile"
npx --no-install cmake-js compile --log-level warn
echo "== prebuildify --napi --strip"
npm run --silent build:prebuilds
node_bin="$(ls prebuilds/linux-x64/*.node 2>/dev/null | head -1 || true)"
[ -n "$node_bin" ] && echo "prebuilt binary: $node_bin ($(stat -c %s "$node_bin") bytes, stripped)"

echo "== node --test npm/core/test"
RUVECTOR_REQUIRE_PACKAGING=1 node --test --test-concurrency=1 test/

if [ "${1:-}" = "--asan" ]; then
  echo "== AddressSanitizer + UndefinedBehaviorSanitizer build (npm/core/build-asan)"
  npx --no-install cmake-js compile -O build-asan -D --CDRUVECTOR_NODE_SANITIZE=address,undefined --log-level warn
  echo "== node --test under ASan/UBSan"
  LD_PRELOAD="$(gcc -print-file-name=libasan.so) $(gcc -print-file-name=libubsan.so)" \
    ASAN_OPTIONS=detect_leaks=0 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    RUVECTOR_NODE_BINARY=build-asan/Debug/ruvector.node \
    node --test --test-concurrency=1 test/contract.test.mjs test/threading.test.mjs test/concurrency.test.mjs test/durable.test.mjs
fi
