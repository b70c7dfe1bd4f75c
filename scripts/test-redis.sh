#!/usr/bin/env bash
# Tests the Redis module build/ruvector-redis.so against Debian's redis-server 7.0.15:
#   1. a bad module argument makes the server refuse to start (with the reason logged)
#   2. tests/redis/test_standalone.py: every command (RESP2 + RESP3), FILTER vs a
#      brute-force oracle, DEBUG RELOAD / RDB / AOF restarts, corrupt RESTORE payloads,
#      replication digests, memory accounting (one server + one replica)
#   3. tests/redis/test_persistence_faults.py: RDB files truncated or bit-flipped inside the
#      module's payload are refused (the server exits with the reason logged, no crash),
#      diskless replicas (swapdb, on-empty-db) answer like their master, a corrupted
#      replication stream from a fake master is rejected
#   4. bindings/redis/client-node/test/cluster.mjs: 3 masters + 3 replicas + a single-node
#      reference through ruvector's cluster client (npm/ruvector/lib/redis-cluster.js; its
#      `redis` dependency comes from bindings/redis/client-node via NODE_PATH): 50k x 64-d
#      over S = 3, 6, 12 keys, TRUTH fan-out = brute force, recall, the VectorDb face, the
#      `ruvector` CLI and the C++ client on redis:// indexes, kill -9 failover with WAIT,
#      rejoin, slot migration under load; `--standalone-only` skips it
#   5. tests/cli/redis_parity.mjs: the C++ and the JS `ruvector` commands on redis:// indexes
#      of a one-node cluster agree (exit codes, --json documents, messages, brute force)
# Servers listen on 127.0.0.1 only, on ports from RUVECTOR_REDIS_PORT (default 17300),
# run in a temporary directory and are stopped at the end, pass or fail.
# Usage: scripts/test-redis.sh [--standalone-only | --bench OUT.md] [BUILD_DIR]   (default: build)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STANDALONE_ONLY=0
BENCH_OUT=""
case "${1:-}" in
  --standalone-only) STANDALONE_ONLY=1; shift ;;
  --bench) BENCH_OUT="$(realpath -m "$2")"; shift 2 ;;  # cluster run only, writes the scale-out table
esac
BUILD="${1:-build}"
case "$BUILD" in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
MODULE="$BUILD/ruvector-redis.so"
PORT="${RUVECTOR_REDIS_PORT:-17300}"
PY=/usr/bin/python3  # Debian's python3-redis and python3-numpy live there

for tool in redis-server redis-cli "$PY" node npm; do
  command -v "$tool" >/dev/null || { echo "test-redis.sh: '$tool' is missing (Makefile APT_TEST)" >&2; exit 1; }
done
"$PY" -c "import redis, numpy" 2>/dev/null || { echo "test-redis.sh: python3-redis / python3-numpy missing" >&2; exit 1; }
[ -f "$MODULE" ] || { echo "test-redis.sh: $MODULE not built (make build)" >&2; exit 1; }

WORK="$(mktemp -d /tmp/ruvector-redis-test.XXXXXX)"
cleanup() {
  # Stop every server this run started (their pid files live in $WORK only; a pid is
  # signalled only while it still is a redis-server).
  for pidfile in "$WORK"/*/redis.pid "$WORK"/*/*/redis.pid "$WORK"/*/*/*/redis.pid; do
    [ -f "$pidfile" ] || continue
    pid="$(cat "$pidfile")"
    grep -q redis-server "/proc/$pid/cmdline" 2>/dev/null && kill "$pid" 2>/dev/null || true
  done
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "== module argument check"
mkdir -p "$WORK/badarg"
if timeout 20 redis-server --port "$PORT" --bind 127.0.0.1 --dir "$WORK/badarg" --save "" \
     --loadmodule "$MODULE" THREADS 0 --logfile "$WORK/badarg/redis.log"; then
  echo "FAIL: redis-server started with THREADS 0" >&2
  exit 1
fi
grep -q "ruvector: unknown module argument" "$WORK/badarg/redis.log" || {
  echo "FAIL: the refusal was not logged" >&2
  cat "$WORK/badarg/redis.log" >&2
  exit 1
}
echo "refused as expected"

if [ -z "$BENCH_OUT" ]; then
  echo "== standalone (port $((PORT + 1)), replica $((PORT + 2)))"
  start=$SECONDS
  (cd "$ROOT/tests/redis" && "$PY" test_standalone.py "$MODULE" "$WORK" $((PORT + 1)))
  echo "standalone: $((SECONDS - start)) s"
  echo "== persistence faults (ports $((PORT + 1))..$((PORT + 3)))"
  start=$SECONDS
  mkdir -p "$WORK/faults"
  (cd "$ROOT/tests/redis" && "$PY" test_persistence_faults.py "$MODULE" "$WORK/faults" $((PORT + 1)))
  echo "persistence faults: $((SECONDS - start)) s"
fi

if [ "$STANDALONE_ONLY" = 0 ]; then
  CLIENT="$ROOT/bindings/redis/client-node"
  "$ROOT/scripts/npm-ci.sh" "$CLIENT"
  # cluster.mjs also runs the `ruvector` CLI on a redis:// index: the servers hold the
  # index, but files and typed vectors are parsed by the engine's record readers,
  # through a local backend. Link the facade's backends; build @ruvector/wasm when
  # neither backend is built yet (a no-op after make packages / wasm-test).
  (cd "$ROOT" && scripts/facade-links.sh &&
    if ! { [ -f npm/wasm/dist/ruvector-simd.wasm ] && [ -f npm/wasm/dist/index.cjs ]; } &&
       ! compgen -G "npm/core/prebuilds/*/*.node" >/dev/null; then
      echo "== no JS backend built yet: scripts/build-wasm.sh (for the CLI part)"
      scripts/build-wasm.sh
    fi)
  echo "== cluster (ports $((PORT + 10))..$((PORT + 16)))"
  start=$SECONDS
  NODE_PATH="$CLIENT/node_modules${NODE_PATH:+:$NODE_PATH}" node "$CLIENT/test/cluster.mjs" "$MODULE" "$WORK" $((PORT + 10)) ${BENCH_OUT:+--bench "$BENCH_OUT"}
  echo "cluster: $((SECONDS - start)) s"
  # Both `ruvector` commands (C++ and JS) on redis:// indexes of one node: the same
  # results, documents, messages and exit codes (docs/cli.md).
  echo "== both CLIs on redis:// (port $((PORT + 25)))"
  start=$SECONDS
  NODE_PATH="$CLIENT/node_modules${NODE_PATH:+:$NODE_PATH}" node "$ROOT/tests/cli/redis_parity.mjs" \
    "$BUILD/tools/cli/ruvector" "$MODULE" $((PORT + 25))
  echo "CLIs on redis://: $((SECONDS - start)) s"
fi
echo "test-redis.sh: all passed"
