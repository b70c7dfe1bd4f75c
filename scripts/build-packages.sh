#!/usr/bin/env bash
# `make packages`: everything a user installs, built from a clean checkout into one folder.
#   build/packages/ruvector-core-V.tgz, ruvector-wasm-V.tgz, ruvector-V.tgz   the npm tarballs
#       (@ruvector/core with its prebuilt addons, @ruvector/wasm with both wasm builds and
#       dist/, ruvector the facade), each packed by `npm pack`, whose prepack guard
#       (scripts/check-pack.mjs) refuses missing or stale binaries
#   build/packages/ruvector-V-linux-x64/          the C++ install tree (cmake --install)
#   build/packages/ruvector-V-linux-x64.tar.gz    the same, as one archive
# Steps: the C++ library + CLI (Release, build/), scripts/build-node.sh (addon + prebuilds
# + its JS build step), scripts/build-wasm.sh (both wasm builds + dist/index.cjs), every
# package's `npm run build:js` when it has one, then npm pack x3 and cmake --install.
# Env: PACKAGES_DIR (default build/packages), BUILD (default build), JOBS (default 2).
# Needs: what `make setup` and `make setup-test` install (emscripten), node >= 18 with npm
# (the npm registry for the packages' build tools, once).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
OUT="$(mkdir -p "${PACKAGES_DIR:-build/packages}" && cd "${PACKAGES_DIR:-build/packages}" && pwd)"
BUILD="${BUILD:-build}"
JOBS="${JOBS:-2}"
VERSION="$(head -1 VERSION)"
export npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
export npm_config_nodedir="${npm_config_nodedir:-/usr}"
start=$(date +%s)

echo "== C++ library and CLI ($BUILD)"
[ -f "$BUILD/build.ninja" ] || cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$BUILD" -j "$JOBS" --target ruvector ruvector_shared ruvector_cli

echo "== @ruvector/core"
scripts/build-node.sh
echo "== @ruvector/wasm"
JOBS=$JOBS scripts/build-wasm.sh
# build-node.sh and build-wasm.sh run their package's build:js; the facade has no
# binaries, only (possibly) a JS build step.
for pkg in ruvector; do
  if node -e "process.exit(require('./npm/$pkg/package.json').scripts?.['build:js'] ? 0 : 1)"; then
    echo "== npm run build:js (npm/$pkg)"
    (cd "npm/$pkg" && npm run --silent build:js)
  fi
done

echo "== npm pack -> $OUT"
rm -f "$OUT"/*.tgz
for pkg in core wasm ruvector; do
  (cd "npm/$pkg" && npm pack --silent --pack-destination "$OUT" >/dev/null)
done

tree="ruvector-$VERSION-linux-$(uname -m | sed 's/x86_64/x64/; s/aarch64/arm64/')"
echo "== cmake --install -> $OUT/$tree"
rm -rf "${OUT:?}/$tree" "$OUT/$tree.tar.gz"
cmake --install "$BUILD" --prefix "$OUT/$tree" >/dev/null
tar -czf "$OUT/$tree.tar.gz" -C "$OUT" "$tree"

echo "== build/packages ($(( $(date +%s) - start )) s)"
(cd "$OUT" && ls -l --time-style=+ *.tgz *.tar.gz | awk '{printf "  %-36s %9d bytes\n", $NF, $5}')
