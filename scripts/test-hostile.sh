#!/usr/bin/env bash
# Hostile calls from JS (tests/hostile/hostile.test.mjs): fast-check call sequences with
# hostile arguments against the `ruvector` facade, once per backend
# (RUVECTOR_BACKEND=native, then =wasm), plus the wasm out-of-memory check.
# Prerequisites as scripts/test-ruvector.sh (scripts/js-prereqs.sh builds what is
# missing, scripts/facade-links.sh links our packages), then fast-check from
# tests/hostile/package-lock.json. RUVECTOR_HOSTILE_RUNS (default 150 sequences) and
# RUVECTOR_HOSTILE_SEED vary the run.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

source scripts/js-prereqs.sh
scripts/facade-links.sh
scripts/npm-ci.sh tests/hostile  # fast-check

for backend in native wasm; do
  echo "== hostile calls, RUVECTOR_BACKEND=$backend"
  start=$(date +%s)
  RUVECTOR_BACKEND=$backend node --test --test-concurrency=1 tests/hostile/*.test.mjs
  echo "hostile ($backend): $(( $(date +%s) - start )) s"
done
echo "test-hostile: passed on both backends"
