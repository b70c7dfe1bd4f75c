# ruvector: one entry point for people and CI.
#
#   make demo    set up, build, and run the demo on fashion-mnist
#   make test    set up and run every test (unit, integration, sanitizers, em++ build)
#   make bench   benchmark against the peers, write docs/benchmarks.md
#   make packages  the npm tarballs and the C++ install tree, in build/packages/
#
# Each target installs what it needs (Debian packages) when missing and does
# nothing when it is there.

SHELL := /bin/bash
.ONESHELL:
.SHELLFLAGS := -eu -o pipefail -c

JOBS     ?= $(shell nproc)
BUILD    ?= build
PACKAGES ?= $(BUILD)/packages
CMAKE_GEN = -G Ninja

export NODE_PATH := /usr/share/nodejs
export npm_config_nodedir := /usr

# Debian packages, by what needs them.
APT_CORE  = cmake ninja-build libcli11-dev g++ pkg-config libgtest-dev nlohmann-json3-dev liblmdb-dev lmdb-utils libxxhash-dev zlib1g-dev \
            dataset-fashion-mnist
APT_TEST  = clang libclang-rt-14-dev emscripten binaryen chromium g++-aarch64-linux-gnu qemu-user python3-matplotlib \
            redis-server redis-tools libhiredis-dev python3-redis python3-numpy
APT_BENCH = libhnswlib-dev libfaiss-dev python3-matplotlib emscripten binaryen

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

define apt_ensure
	missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done
	if [ -n "$$missing" ]; then
	  echo "installing:$$missing"
	  $(SUDO) apt-get update -q
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q $$missing
	fi
endef

.PHONY: setup setup-test setup-bench build demo test test-unit asan tsan wasm-check simd-check fuzz node-test wasm-test ruvector-test compat-test redis-test bench bench-scale-out clean packages bundler-test arm64-test soak hostile-test

setup:
	$(call apt_ensure,$(APT_CORE))

setup-test: setup
	$(call apt_ensure,$(APT_TEST))

setup-bench: setup
	$(call apt_ensure,$(APT_BENCH))

build: setup
	cmake -S . -B $(BUILD) $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=Release
	cmake --build $(BUILD) -j $(JOBS)

demo: build
	$(BUILD)/examples/ruvector_demo

# Every test: the unit suite (Release), then the sanitizer runs, the em++ build check
# and the fuzzers. A summary line closes the run.
test: setup-test
	$(MAKE) --no-print-directory test-unit redis-test asan tsan simd-check fuzz node-test wasm-test packages ruvector-test hostile-test compat-test bundler-test arm64-test
	echo "make test: all test stages passed"

test-unit: build
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

# The whole unit suite under AddressSanitizer + UndefinedBehaviorSanitizer.
asan: setup-test
	cmake -S . -B build-asan $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRUVECTOR_SANITIZE=address,undefined \
	  -DRUVECTOR_BUILD_EXAMPLES=OFF -DRUVECTOR_BUILD_CLI=OFF
	cmake --build build-asan -j $(JOBS)
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 ASAN_OPTIONS=detect_leaks=1 \
	  ctest --test-dir build-asan --output-on-failure -j $(JOBS)

# The concurrent paths under ThreadSanitizer.
tsan: setup-test
	cmake -S . -B build-tsan $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRUVECTOR_SANITIZE=thread \
	  -DRUVECTOR_BUILD_EXAMPLES=OFF -DRUVECTOR_BUILD_CLI=OFF
	cmake --build build-tsan -j $(JOBS) --target concurrency_test memory_storage_test
	TSAN_OPTIONS=halt_on_error=1 ctest --test-dir build-tsan --output-on-failure -R 'Concurrency|MemoryStorage'

# The engine compiled by em++ in the memory-only configuration, with and without
# simd128: catches code that is not portable to the wasm build. `make test` gets the
# same check from wasm-test, whose scripts/build-wasm.sh compiles the engine with em++
# in both modes before linking the modules; this target is the quick stand-alone form.
wasm-check: setup-test
	for simd in ON OFF; do
	  emcmake cmake -S . -B build-wasm-check-$$simd $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=Release \
	    -DRUVECTOR_WASM_SIMD=$$simd -DRUVECTOR_BUILD_WASM=OFF -DRUVECTOR_BUILD_TESTS=OFF \
	    -Dnlohmann_json_DIR=$(CURDIR)/bindings/wasm/cmake/nlohmann_json >/dev/null
	  cmake --build build-wasm-check-$$simd -j $(JOBS) --target ruvector
	done

# NEON kernels cross-compiled for arm64 and run under qemu; simd128 kernels under em++ and node.
simd-check: setup-test
	scripts/check-neon.sh
	scripts/check-simd128.sh

# @ruvector/core: addon build (cmake-js), prebuild, node --test, offline pack + install.
node-test: setup-test
	scripts/test-node.sh

# @ruvector/wasm: both wasm builds, node --test (fake-indexeddb), Chromium suite.
wasm-test: setup-test
	scripts/test-wasm.sh

# ruvector (the facade): contract suite per backend, fallback, bin, examples, and the
# tarballs of `make packages` installed offline into an empty app.
ruvector-test: setup-test packages
	RUVECTOR_PACKAGES_DIR=$(PACKAGES) scripts/test-ruvector.sh

# Hostile calls from JS: fast-check sequences against the facade on both backends and
# the wasm out-of-memory check (tests/hostile; about 1 minute).
hostile-test: setup-test
	scripts/test-hostile.sh

# The browser packages bundled for production by Vite and webpack from the tarballs
# (no bundler configuration), run in Chromium: wasm, worker, IndexedDB, the facade.
bundler-test: setup-test packages
	scripts/npm-ci.sh tests/bundlers
	scripts/npm-ci.sh npm/wasm
	RUVECTOR_PACKAGES_DIR=$(PACKAGES) node --test tests/bundlers/

# The linux-arm64 prebuild from the tarball: the contract suite under qemu-aarch64 with
# Debian's arm64 Node unpacked into build-arm64/sysroot (never installed).
arm64-test: setup-test packages
	scripts/test-arm64.sh $(PACKAGES)

# From a clean checkout: the three npm tarballs (prebuilt addons linux-x64 + linux-arm64,
# both wasm builds, dist)
# and the C++ install tree (+ .tar.gz) in $(PACKAGES)/ (scripts/build-packages.sh).
packages: setup-test
	PACKAGES_DIR=$(PACKAGES) BUILD=$(BUILD) JOBS=$(JOBS) scripts/build-packages.sh

# The compatibility suite: programs written for the reference system's packages, run
# against the tarballs of `make packages` installed offline (tests/compat/, docs/migration.md).
# Patterns in tests/compat/pending.txt are reported but do not fail the stage.
compat-test: setup-test packages
	RUVECTOR_PACKAGES_DIR=$(PACKAGES) scripts/test-compat.sh

# The Redis module (build/ruvector-redis.so) in Debian's redis-server: commands, FILTER,
# persistence, corrupt payloads, replication; then the 3+3 cluster through the Node
# cluster client (50k x 64-d over 3, 6 and 12 shard keys, failover, rejoin, migration).
redis-test: build setup-test
	scripts/test-redis.sh $(BUILD)

# Single key vs fan-out over a 3+3 Redis Cluster -> docs/bench-scale-out.md.
bench-scale-out: build setup-test
	scripts/test-redis.sh --bench docs/bench-scale-out.md $(BUILD)

# kill -9 at scale (not part of `make test`, which runs the same test with 40 rounds and
# one reader): SOAK_ROUNDS rounds of the kill test, each with SOAK_READERS reader
# processes checking the store while the writer is killed. Results: docs/storage.md.
SOAK_ROUNDS  ?= 500
SOAK_READERS ?= 2
soak: build
	RUVECTOR_KILL_ROUNDS=$(SOAK_ROUNDS) RUVECTOR_KILL_READERS=$(SOAK_READERS) \
	  $(BUILD)/tests/lmdb_storage_test --gtest_filter='LmdbStorageTest.KillNineLosesNoAcknowledgedWrite'

# libFuzzer targets (clang), each run for a bounded time.
FUZZ_SECONDS ?= 20
fuzz: setup-test
	CC=clang CXX=clang++ cmake -S . -B build-fuzz $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DRUVECTOR_BUILD_FUZZ=ON -DRUVECTOR_BUILD_TESTS=OFF -DRUVECTOR_BUILD_EXAMPLES=OFF -DRUVECTOR_BUILD_CLI=OFF
	cmake --build build-fuzz -j $(JOBS)
	for f in build-fuzz/tests/*_fuzz; do
	  echo "== $$f ($(FUZZ_SECONDS) s)"
	  name=$$(basename $$f); corpus=""
	  if [ -d tests/fuzz/corpus/$$name ]; then
	    rm -rf build-fuzz/corpus-$$name; cp -r tests/fuzz/corpus/$$name build-fuzz/corpus-$$name
	    corpus="build-fuzz/corpus-$$name -max_len=65536"
	  fi
	  $$f -max_total_time=$(FUZZ_SECONDS) -print_final_stats=0 $$corpus 2>&1 | tail -2
	done

# Every face against its peers, one after another, then the merged report with plots:
# docs/bench-cxx.md, docs/bench-node.md, docs/bench-wasm.md -> docs/benchmarks.md + docs/img/.
bench: setup-bench
	cmake -S . -B build-bench $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=Release -DRUVECTOR_BUILD_BENCH=ON
	cmake --build build-bench -j $(JOBS) --target ann_bench quant_bench
	build-bench/bench/ann_bench --json build-bench/bench/results.json --write-md docs/bench-cxx.md $(BENCH_ARGS)
	build-bench/bench/quant_bench --queries 500 --write-md docs/bench-quant.md $(QUANT_BENCH_ARGS)
	bench/js/run.sh
	scripts/build-wasm.sh
	node bench/js/result-shape.mjs --write docs/bench-node.md
	(cd bench/wasm && npm ci --no-audit --no-fund && node bench.mjs --write ../../docs/bench-wasm.md --json ../../build-bench/bench/wasm.json)
	/usr/bin/python3 scripts/bench-report.py --cxx build-bench/bench/results.json --node bench/js/last-run.json \
	  --wasm build-bench/bench/wasm.json --out docs/benchmarks.md --img docs/img
	$(MAKE) --no-print-directory bench-scale-out

clean:
	rm -rf build build-asan build-tsan build-fuzz build-bench build-wasm-check-* build-arm64 npm/core/build-arm64
