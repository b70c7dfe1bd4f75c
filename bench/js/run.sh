#!/usr/bin/env bash
# Node benchmark (issue 4 item 7): builds @ruvector/core if needed, installs the peers
# (hnswlib-node, usearch, the reference system's @ruvector/core under an npm alias),
# and runs node-bench.mjs, which writes docs/bench-node.md. Extra arguments go to
# node-bench.mjs (e.g. --n 5000 --queries 200 for a quick run).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
export npm_config_nodedir="${npm_config_nodedir:-/usr}" npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
export CMAKE_BUILD_PARALLEL_LEVEL="${CMAKE_BUILD_PARALLEL_LEVEL:-2}" JOBS="${JOBS:-2}"

[ -d /usr/share/datasets/fashion-mnist ] || { echo "bench: apt-get install dataset-fashion-mnist" >&2; exit 1; }

# Our addon: the prebuilt binary (or a cmake-js build) in npm/core.
if ! ls "$ROOT"/npm/core/prebuilds/*/*.node >/dev/null 2>&1 && [ ! -f "$ROOT/npm/core/build/Release/ruvector.node" ]; then
  (cd "$ROOT/npm/core" && { [ -d node_modules ] || npm ci; } && npx --no-install cmake-js compile --log-level warn)
fi

cd "$HERE"
lock_hash="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ ! -d node_modules ] || [ "$(cat node_modules/.ruvector-lock-hash 2>/dev/null)" != "$lock_hash" ]; then
  npm ci
  # npm 11 skips dependency install scripts: build the two native peers explicitly.
  npm rebuild hnswlib-node usearch --foreground-scripts
  echo "$lock_hash" > node_modules/.ruvector-lock-hash
fi
node --expose-gc node-bench.mjs "$@"
