#!/usr/bin/env bash
# Cross-checks the aarch64 NEON kernels from an x86-64 host.
#  1. compile-only: kernels_neon.cpp + kernels_scalar.cpp + registry_arm.cpp +
#     dispatch.cpp and the quantized-code kernels (quant_kernels_neon.cpp,
#     quant_kernels_scalar.cpp, quant_dispatch.cpp) with aarch64-linux-gnu-g++
#     (-Wall -Wextra ... -Werror).
#  2. if qemu-aarch64 is installed (and CHECK_NEON_RUN != 0): builds
#     tests/simd/kernels_test.cpp and tests/simd/quant_kernels_test.cpp statically
#     against a static aarch64 GoogleTest built from /usr/src/googletest and runs them
#     under qemu-aarch64.
# Needs: apt-get install g++-aarch64-linux-gnu [qemu-user googletest]
set -euo pipefail
cd "$(dirname "$0")/.."

CXX=${CXX_AARCH64:-aarch64-linux-gnu-g++}
if ! command -v "$CXX" >/dev/null 2>&1; then
  echo "check-neon: $CXX not found (apt-get install g++-aarch64-linux-gnu)" >&2
  exit 2
fi
OUT=${CHECK_NEON_OUT:-build-neon}
mkdir -p "$OUT"
FLAGS=(-std=c++20 -O2 -Iinclude -Isrc -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion -Werror)
SRCS=(src/simd/kernels_neon.cpp src/simd/kernels_scalar.cpp src/simd/registry_arm.cpp src/simd/dispatch.cpp
      src/simd/quant_kernels_neon.cpp src/simd/quant_kernels_scalar.cpp src/simd/quant_dispatch.cpp)

for src in "${SRCS[@]}"; do
  "$CXX" "${FLAGS[@]}" -DRUVECTOR_QUANT_ARM -c "$src" -o "$OUT/$(basename "$src" .cpp).o"
done
echo "check-neon: compile OK (${SRCS[*]})"

if [[ "${CHECK_NEON_RUN:-1}" == 0 ]] || ! command -v qemu-aarch64 >/dev/null 2>&1; then
  echo "check-neon: qemu-aarch64 not found or CHECK_NEON_RUN=0: compile-only check"
  exit 0
fi
GTEST_SRC=/usr/src/googletest/googletest
if [[ ! -f "$GTEST_SRC/src/gtest-all.cc" ]]; then
  echo "check-neon: $GTEST_SRC missing: compile-only check"
  exit 0
fi
if [[ ! -f "$OUT/libgtest.a" ]]; then
  "$CXX" -std=c++20 -O1 -I"$GTEST_SRC/include" -I"$GTEST_SRC" -c "$GTEST_SRC/src/gtest-all.cc" -o "$OUT/gtest-all.o"
  "$CXX" -std=c++20 -O1 -I"$GTEST_SRC/include" -I"$GTEST_SRC" -c "$GTEST_SRC/src/gtest_main.cc" -o "$OUT/gtest_main.o"
  aarch64-linux-gnu-ar rcs "$OUT/libgtest.a" "$OUT/gtest-all.o" "$OUT/gtest_main.o"
fi
OBJS=()
for src in "${SRCS[@]}"; do OBJS+=("$OUT/$(basename "$src" .cpp).o"); done
for t in kernels_test quant_kernels_test; do
  "$CXX" -std=c++20 -O2 -Iinclude -Isrc -I"$GTEST_SRC/include" -static -pthread \
    "tests/simd/$t.cpp" "${OBJS[@]}" "$OUT/libgtest.a" -o "$OUT/$t"
  RUVECTOR_TEST_EXEC_WRAPPER=qemu-aarch64 qemu-aarch64 "$OUT/$t"
  echo "check-neon: $t passed under qemu-aarch64"
done
