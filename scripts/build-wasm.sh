#!/usr/bin/env bash
# Builds @ruvector/wasm: the engine + bindings/wasm with Emscripten, twice
# (RUVECTOR_WASM_SIMD=ON -> ruvector-simd.*, OFF -> ruvector.*), then copies the
# outputs into npm/wasm/dist/ and runs the package's JS build step (npm run build:js:
# the CommonJS entry dist/index.cjs, bundled by esbuild).
#
#   scripts/build-wasm.sh             both variants, -O3
#   RUVECTOR_WASM_OPT=-Oz scripts/build-wasm.sh
#   JOBS=2 (default) parallel compile jobs
# Needs: apt-get install emscripten binaryen nlohmann-json3-dev (and node).
set -euo pipefail
cd "$(dirname "$0")/.."
export NODE_PATH=${NODE_PATH:-/usr/share/nodejs}  # emscripten's JS optimizer needs Debian's acorn
JOBS=${JOBS:-2}
OPT=${RUVECTOR_WASM_OPT:--O3}
DIST=npm/wasm/dist

command -v emcmake >/dev/null || { echo "build-wasm: emcmake not found (apt-get install emscripten binaryen)" >&2; exit 2; }
scripts/npm-ci.sh npm/wasm  # esbuild for dist/index.cjs

mkdir -p "$DIST"
for variant in simd baseline; do
  dir=build-wasm-$variant
  simd=$([[ $variant == simd ]] && echo ON || echo OFF)
  base=$([[ $variant == simd ]] && echo ruvector-simd || echo ruvector)
  mkdir -p "$dir"
  if [[ ! -f $dir/build.ninja ]] || [[ "$(sed -n 's/^RUVECTOR_WASM_OPT:STRING=//p' $dir/CMakeCache.txt 2>/dev/null)" != "$OPT" ]]; then
    emcmake cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DRUVECTOR_WASM_SIMD=$simd -DRUVECTOR_BUILD_WASM=ON \
      -DRUVECTOR_BUILD_TESTS=OFF -DRUVECTOR_WASM_OPT="$OPT" \
      -Dnlohmann_json_DIR="$PWD/bindings/wasm/cmake/nlohmann_json" >"$dir/configure.log" 2>&1 ||
      { cat "$dir/configure.log" >&2; exit 1; }
  fi
  cmake --build "$dir" -j "$JOBS" --target ruvector_wasm_web ruvector_wasm_node
  out=$dir/bindings/wasm
  cp "$out/$base.mjs" "$out/$base.wasm" "$out/$base-node.cjs" "$DIST/"
  # The web and node links produce the same .wasm (only the JS glue differs); ship it
  # once. Should they ever differ, ship the node one under its own name.
  if cmp -s "$out/$base.wasm" "$out/$base-node.wasm"; then
    rm -f "$DIST/$base-node.wasm"
  else
    cp "$out/$base-node.wasm" "$DIST/"
  fi
done
scripts/build-contract.sh
(cd npm/wasm && npm run --silent build:js)  # dist/index.cjs with esbuild
for f in "$DIST"/*.wasm; do
  printf 'build-wasm: %-28s %8d bytes raw, %7d gzip -9\n' "$(basename "$f")" "$(stat -c %s "$f")" "$(gzip -9c "$f" | wc -c)"
done
