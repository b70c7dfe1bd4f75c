#!/usr/bin/env bash
# Checks the WebAssembly SIMD128 kernels with emscripten:
#  1. compile: kernels_simd128.cpp + registry_wasm.cpp + dispatch.cpp +
#     kernels_scalar.cpp and the quantized-code kernels (quant_kernels_simd128.cpp,
#     quant_kernels_scalar.cpp, quant_dispatch.cpp) with -msimd128, and the
#     scalar-only registry without it.
#  2. if node and /usr/src/googletest exist (and CHECK_SIMD128_RUN != 0): links
#     tests/simd/kernels_test.cpp and tests/simd/quant_kernels_test.cpp with a
#     GoogleTest built by em++ and runs them under node (the tests that need Linux
#     processes or mmap are compiled out).
# Needs: apt-get install emscripten [googletest]
set -euo pipefail
cd "$(dirname "$0")/.."
export NODE_PATH=${NODE_PATH:-/usr/share/nodejs}

if ! command -v em++ >/dev/null 2>&1; then
  echo "check-simd128: em++ not found (apt-get install emscripten)" >&2
  exit 2
fi
OUT=${CHECK_SIMD128_OUT:-build-simd128}
mkdir -p "$OUT"
WARN=(-Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion -Werror)

SRCS=(src/simd/kernels_simd128.cpp src/simd/registry_wasm.cpp src/simd/dispatch.cpp src/simd/kernels_scalar.cpp
      src/simd/quant_kernels_simd128.cpp src/simd/quant_kernels_scalar.cpp src/simd/quant_dispatch.cpp)
for src in "${SRCS[@]}"; do
  em++ -std=c++20 -O2 -msimd128 -DRUVECTOR_QUANT_WASM -Iinclude -Isrc "${WARN[@]}" -c "$src" -o "$OUT/$(basename "$src" .cpp).o"
done
echo "check-simd128: compile OK with -msimd128 (${SRCS[*]})"

for src in src/simd/registry_scalar.cpp src/simd/dispatch.cpp src/simd/kernels_scalar.cpp \
    src/simd/quant_kernels_scalar.cpp src/simd/quant_dispatch.cpp; do
  em++ -std=c++20 -O2 -Iinclude -Isrc "${WARN[@]}" -c "$src" -o "$OUT/nosimd-$(basename "$src" .cpp).o"
done
echo "check-simd128: compile OK without -msimd128 (scalar registry)"

GTEST_SRC=/usr/src/googletest/googletest
if [[ "${CHECK_SIMD128_RUN:-1}" == 0 ]] || ! command -v node >/dev/null 2>&1 || [[ ! -f "$GTEST_SRC/src/gtest-all.cc" ]]; then
  echo "check-simd128: node or $GTEST_SRC missing, or CHECK_SIMD128_RUN=0: compile-only check"
  exit 0
fi
EH=-fwasm-exceptions  # as in CMakeLists.txt
if [[ ! -f "$OUT/gtest_main.o" ]]; then
  em++ -std=c++20 -O1 $EH -I"$GTEST_SRC/include" -I"$GTEST_SRC" -c "$GTEST_SRC/src/gtest-all.cc" -o "$OUT/gtest-all.o"
  em++ -std=c++20 -O1 $EH -I"$GTEST_SRC/include" -I"$GTEST_SRC" -c "$GTEST_SRC/src/gtest_main.cc" -o "$OUT/gtest_main.o"
fi
for src in "${SRCS[@]}"; do
  em++ -std=c++20 -O2 -msimd128 -DRUVECTOR_QUANT_WASM $EH -Iinclude -Isrc -c "$src" -o "$OUT/eh-$(basename "$src" .cpp).o"
done
for t in kernels_test quant_kernels_test; do
  em++ -std=c++20 -O2 -msimd128 $EH -Iinclude -Isrc -I"$GTEST_SRC/include" "tests/simd/$t.cpp" \
    "$OUT"/eh-*.o "$OUT/gtest-all.o" "$OUT/gtest_main.o" -sALLOW_MEMORY_GROWTH=1 -o "$OUT/$t.js" >"$OUT/link.log" 2>&1 ||
    { cat "$OUT/link.log" >&2; exit 1; }
  # emscripten 3.1.6's loader tries fetch() for the .wasm when it exists (Node 18+), which fails on a path.
  node --no-experimental-fetch "$OUT/$t.js"
  echo "check-simd128: $t passed under node $(node --version)"
done
