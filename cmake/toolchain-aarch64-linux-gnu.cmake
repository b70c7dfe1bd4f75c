# Cross-compiling for linux-arm64 with Debian's g++-aarch64-linux-gnu, against a sysroot
# of Debian arm64 packages (scripts/arm64-sysroot.sh) for the target's libraries:
#   cmake -DCMAKE_TOOLCHAIN_FILE=cmake/toolchain-aarch64-linux-gnu.cmake -DRUVECTOR_ARM64_SYSROOT=<dir>
# Libraries, headers and packages come from the sysroot only (host headers would shadow
# the target's libc); pass -Dnlohmann_json_DIR=bindings/wasm/cmake/nlohmann_json for the
# header-only JSON library, which exposes only its own headers from the host.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
set(CMAKE_STRIP aarch64-linux-gnu-strip CACHE FILEPATH "")

if(NOT RUVECTOR_ARM64_SYSROOT AND DEFINED ENV{RUVECTOR_ARM64_SYSROOT})
  set(RUVECTOR_ARM64_SYSROOT $ENV{RUVECTOR_ARM64_SYSROOT})
endif()
if(NOT RUVECTOR_ARM64_SYSROOT)
  message(FATAL_ERROR "set RUVECTOR_ARM64_SYSROOT (scripts/arm64-sysroot.sh makes one)")
endif()
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES RUVECTOR_ARM64_SYSROOT)
set(CMAKE_FIND_ROOT_PATH ${RUVECTOR_ARM64_SYSROOT})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
set(ENV{PKG_CONFIG_SYSROOT_DIR} ${RUVECTOR_ARM64_SYSROOT})
set(ENV{PKG_CONFIG_LIBDIR} ${RUVECTOR_ARM64_SYSROOT}/usr/lib/aarch64-linux-gnu/pkgconfig:${RUVECTOR_ARM64_SYSROOT}/usr/share/pkgconfig)
