#!/usr/bin/env bash
# Tests the Redis module build/ruvector-redis.so against Debian's redis-server 7.0.15:
#   1. a bad module argument makes the server refuse to start (with the reason logged)
#   2. tests/redis/test_standalone.py: every command (RESP2 + RESP3), FILTER vs a
#      brute-force oracle, DEBUG RELOAD / RDB / AOF restarts, corrupt RESTORE payloads,
#      replication digests, memory accounting (one server + one replica)
#   3. tests/redis/test_cluster.py: 3 masters + 3 replicas (when present)
# Servers listen on 127.0.0.1 only, on ports from RUVECTOR_REDIS_PORT (default 17300),
# run in a temporary directory and are stopped at the end, pass or fail.
# Usage: scripts/test-redis.sh [BUILD_DIR]   (default: build)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${1:-build}"
case "$BUILD" in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
MODULE="$BUILD/ruvector-redis.so"
PORT="${RUVECTOR_REDIS_PORT:-17300}"
PY=/usr/bin/python3  # Debian's python3-redis and python3-numpy live there

for tool in redis-server redis-cli "$PY"; do
  command -v "$tool" >/dev/null || { echo "test-redis.sh: '$tool' is missing (Makefile APT_TEST)" >&2; exit 1; }
done
"$PY" -c "import redis, numpy" 2>/dev/null || { echo "test-redis.sh: python3-redis / python3-numpy missing" >&2; exit 1; }
[ -f "$MODULE" ] || { echo "test-redis.sh: $MODULE not built (make build)" >&2; exit 1; }

WORK="$(mktemp -d /tmp/ruvector-redis-test.XXXXXX)"
cleanup() {
  # Stop every server this run started (their pid files live in $WORK only).
  for pidfile in "$WORK"/*/redis.pid; do
    [ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null || true
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

echo "== standalone (port $((PORT + 1)), replica $((PORT + 2)))"
start=$SECONDS
(cd "$ROOT/tests/redis" && "$PY" test_standalone.py "$MODULE" "$WORK" $((PORT + 1)))
echo "standalone: $((SECONDS - start)) s"

if [ -f "$ROOT/tests/redis/test_cluster.py" ]; then
  echo "== cluster (ports $((PORT + 10))..$((PORT + 16)))"
  start=$SECONDS
  (cd "$ROOT/tests/redis" && "$PY" test_cluster.py "$MODULE" "$WORK" $((PORT + 10)))
  echo "cluster: $((SECONDS - start)) s"
fi
echo "test-redis.sh: all passed"
