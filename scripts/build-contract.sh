#!/usr/bin/env bash
# Builds the one JS contract (npm/contract/contract.mjs) into @ruvector/core
# (lib/contract.cjs) and @ruvector/wasm (src/contract.mjs): npm ci in npm/contract when
# its lockfile changed (esbuild), then npm/contract/build.mjs. Offline after the first run.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT/npm/contract"
export npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
lock_hash="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ ! -d node_modules ] || [ "$(cat node_modules/.ruvector-lock-hash 2>/dev/null)" != "$lock_hash" ]; then
  echo "== npm ci (npm/contract: esbuild)"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_hash" > node_modules/.ruvector-lock-hash
fi
node build.mjs
