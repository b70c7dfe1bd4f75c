#!/usr/bin/env bash
# Every @ruvector/wasm test:
#   1. scripts/build-wasm.sh (npm ci in npm/wasm when its lockfile changed: esbuild,
#      fake-indexeddb, playwright-core, typescript; both variants; incremental)
#   2. node --test npm/wasm/test/   contract suite (simd + forced baseline), IndexedDB
#      (fake-indexeddb, incl. 100k x 384), worker_threads client, memory cycles,
#      TypeScript types, snapshots against npm/core when that addon is built
#   2b. tests/wasm/quant-recall.mjs --quick --check: int8/binary recall, wasm vs native
#   3. node --test tests/browser/   Debian Chromium via playwright-core: contract essentials,
#      IndexedDB across a reload, forced baseline, Web Worker client, example page screenshot
#      (build-wasm-browser/example.png)
# Needs (Debian): emscripten binaryen nlohmann-json3-dev chromium, and node >= 18 with npm.
# RUVECTOR_SKIP_BROWSER=1 skips step 3 (say so in the output; CI should not set it).
set -euo pipefail
cd "$(dirname "$0")/.."
export NODE_PATH=${NODE_PATH:-/usr/share/nodejs}

scripts/build-wasm.sh


node --test npm/wasm/test/
# Quantized recall on the wasm build beside the native addon (same data; fails when they
# differ by more than 0.02; docs/quantization.md).
node tests/wasm/quant-recall.mjs --quick --check

if [[ "${RUVECTOR_SKIP_BROWSER:-0}" == 1 ]]; then
  echo "test-wasm: browser suite SKIPPED (RUVECTOR_SKIP_BROWSER=1)"
else
  chromium=${CHROMIUM_PATH:-/usr/bin/chromium}
  if [[ ! -x $chromium ]]; then
    echo "test-wasm: $chromium not found: apt-get install chromium (or set CHROMIUM_PATH)" >&2
    exit 1
  fi
  node --test tests/browser/
fi
echo "test-wasm: all @ruvector/wasm tests passed"
