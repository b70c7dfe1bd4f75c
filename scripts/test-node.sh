#!/usr/bin/env bash
# Builds and tests the Node-API package @ruvector/core (npm/core), offline:
#   1-3. scripts/build-node.sh: npm ci, the addon with cmake-js, the prebuild with
#      prebuildify (npm/core/prebuilds/linux-x64/), the JS build step
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

"$ROOT/scripts/build-node.sh"
cd "$PKG"
# The packaging test installs the tarball with --offline: its dependencies must be in the npm cache.
for dep in node-addon-api node-gyp-build; do
  v="$(node -p "require('./node_modules/$dep/package.json').version")"
  npm cache add --prefer-offline "$dep@$v" >/dev/null 2>&1 || npm cache add "$dep@$v" >/dev/null
done

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
