# Shim used only for the Emscripten build (scripts/build-wasm.sh passes
# -Dnlohmann_json_DIR=<this folder>). Emscripten's toolchain file confines
# find_package() to its sysroot, so Debian's /usr/share/cmake/nlohmann_json is not
# found; and pointing at that config would put all of /usr/include (host libc headers)
# on em++'s include path. This shim exposes only the header-only library: a folder in
# the build tree holding a link to the host's nlohmann/ headers.
if(NOT TARGET nlohmann_json::nlohmann_json)
  if(NOT NLOHMANN_JSON_HOST_INCLUDE)
    set(NLOHMANN_JSON_HOST_INCLUDE /usr/include)
  endif()
  if(NOT EXISTS "${NLOHMANN_JSON_HOST_INCLUDE}/nlohmann/json.hpp")
    message(FATAL_ERROR "nlohmann/json.hpp not found in ${NLOHMANN_JSON_HOST_INCLUDE} (apt-get install nlohmann-json3-dev)")
  endif()
  set(_rv_nl_dir "${CMAKE_BINARY_DIR}/_nlohmann_json_include")
  if(NOT EXISTS "${_rv_nl_dir}/nlohmann/json.hpp")
    file(MAKE_DIRECTORY "${_rv_nl_dir}")
    file(CREATE_LINK "${NLOHMANN_JSON_HOST_INCLUDE}/nlohmann" "${_rv_nl_dir}/nlohmann" SYMBOLIC)
  endif()
  add_library(nlohmann_json::nlohmann_json INTERFACE IMPORTED)
  set_target_properties(nlohmann_json::nlohmann_json PROPERTIES INTERFACE_INCLUDE_DIRECTORIES "${_rv_nl_dir}")
endif()
set(nlohmann_json_FOUND TRUE)
