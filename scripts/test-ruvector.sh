#!/usr/bin/env bash
# Every test of the `ruvector` package (npm/ruvector), offline:
#   1. prerequisites: the @ruvector/core prebuild (scripts/test-node.sh builds it) and the
#      @ruvector/wasm dist (scripts/build-wasm.sh), each built only when missing
#   2. development links npm/ruvector/node_modules/@ruvector/{core,wasm} -> npm/{core,wasm}
#      (what `file:` dependencies would make; npm never resolves these names here, so the
#      registry's packages of the same names are never fetched)
#   3. tools reused from npm/wasm/node_modules (typescript, playwright-core): npm ci there
#      only when missing; node-addon-api and node-gyp-build put in the npm cache for the
#      offline install of the packed tarballs
#   4. node --test npm/ruvector/test/*.test.mjs: the shared contract suite once per backend
#      (RUVECTOR_BACKEND=native and =wasm), fallback on real install trees, the CLI, the
#      examples (Node fashion-mnist, TypeScript, browser import map in Chromium) and
#      packaging (npm pack x3, offline install, examples run in the installed folder)
# Needs: node >= 18 with npm, the built packages above, chromium (RUVECTOR_SKIP_BROWSER=1
# skips the browser tests and says so), dataset-fashion-mnist.
# Idempotent: a second run rebuilds and reinstalls nothing.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

source scripts/js-prereqs.sh

scripts/facade-links.sh

scripts/npm-ci.sh npm/wasm  # typescript, playwright-core
scripts/npm-ci.sh bindings/redis/client-node  # the redis client for test/redis-cluster.test.mjs

if [[ "${RUVECTOR_SKIP_BROWSER:-0}" == 1 ]]; then
  echo "test-ruvector: browser tests SKIPPED (RUVECTOR_SKIP_BROWSER=1)"
fi
echo "== node --test npm/ruvector/test"
node --test --test-concurrency=1 npm/ruvector/test/*.test.mjs
echo "test-ruvector: all ruvector tests passed"
