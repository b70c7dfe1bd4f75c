#!/usr/bin/env bash
# The linux-arm64 prebuild of @ruvector/core, run for real on an emulated arm64 CPU:
# the tarballs of `make packages` installed (offline, by the host's npm: the packages are
# architecture independent) into an empty app, then Debian's arm64 Node (from the sysroot
# of scripts/arm64-sysroot.sh, never installed on the machine) runs under qemu-aarch64:
#   - process.arch is arm64 and @ruvector/core loads prebuilds/linux-arm64/ from the app,
#     reporting the VERSION file's version and the NEON kernels;
#   - the shared contract suite (tests/js/contract.mjs) passes against it;
#   - the ruvector facade picks the native backend there.
#   scripts/test-arm64.sh [packages dir, default build/packages]
# Needs: qemu-user, make packages (which cross-builds the addon).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PACKAGES="$(cd "${1:-$ROOT/build/packages}" && pwd)"
VERSION="$(head -1 "$ROOT/VERSION")"
SYSROOT="$ROOT/build-arm64/sysroot"
command -v qemu-aarch64 >/dev/null || { echo "test-arm64: qemu-aarch64 is missing (apt-get install qemu-user)" >&2; exit 1; }
"$ROOT/scripts/arm64-sysroot.sh" "$SYSROOT"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
app="$tmp/app"
mkdir -p "$app"
echo '{"name": "app", "version": "1.0.0", "private": true, "type": "module"}' >"$app/package.json"
(cd "$app" && npm install --offline --no-audit --no-fund --loglevel=error --@ruvector:registry=http://127.0.0.1:9 \
  "$PACKAGES/ruvector-core-$VERSION.tgz" "$PACKAGES/ruvector-wasm-$VERSION.tgz" "$PACKAGES/ruvector-$VERSION.tgz")

cat >"$app/arm64.test.mjs" <<JS
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import { contractSuite } from '$ROOT/tests/js/contract.mjs';
const require = createRequire(import.meta.url);
assert.equal(process.arch, 'arm64');
const core = require('@ruvector/core');
const where = fs.realpathSync(core.binaryPath);
assert.ok(where.startsWith(fs.realpathSync('$app/node_modules/@ruvector/core/prebuilds/linux-arm64') + '/'), where);
assert.equal(core.version(), '$VERSION');
assert.equal(core.simdLevel(), 'neon');
const facade = require('ruvector');
assert.equal(facade.getBackend().name, 'native', JSON.stringify(facade.getBackend()));
console.log(\`# arm64: node \${process.version}, \${where}, simd \${core.simdLevel()}\`);
contractSuite('@ruvector/core (linux-arm64 prebuild under qemu)', async () => ({ ...core, capabilities: { durable: true } }));
JS
start=$(date +%s)
(cd "$app" && qemu-aarch64 -L "$SYSROOT" "$SYSROOT/usr/bin/node" arm64.test.mjs) | tee "$tmp/out.tap" | grep -E '^# (arm64|tests|pass|fail)|^not ok' || true
grep -q '^# fail 0$' "$tmp/out.tap" && grep -q '^# pass [1-9]' "$tmp/out.tap" ||
  { echo "test-arm64: FAILED (full output above in TAP)" >&2; cat "$tmp/out.tap" >&2; exit 1; }
echo "test-arm64: the linux-arm64 prebuild passes the contract suite under qemu ($(( $(date +%s) - start )) s)"
