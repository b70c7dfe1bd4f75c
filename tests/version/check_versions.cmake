# The version agreement check (CTest `version_sources_agree` and `version_cli`):
#   cmake -DROOT=<repo> [-DCLI=<path to the C++ ruvector>] -P check_versions.cmake
# Every place the version is written as text must hold the VERSION file's value; the
# C++ CLI must print it. scripts/set-version.mjs updates them all.
cmake_minimum_required(VERSION 3.20)
file(STRINGS ${ROOT}/VERSION want LIMIT_COUNT 1)
set(errors "")

function(expect what got)
  if(NOT got STREQUAL want)
    set(errors "${errors}\n  ${what}: '${got}' (VERSION says '${want}')" PARENT_SCOPE)
  endif()
endfunction()

foreach(pkg core wasm ruvector)
  file(READ ${ROOT}/npm/${pkg}/package.json manifest)
  string(JSON v GET "${manifest}" version)
  expect("npm/${pkg}/package.json version" "${v}")
  if(EXISTS ${ROOT}/npm/${pkg}/package-lock.json)
    file(READ ${ROOT}/npm/${pkg}/package-lock.json lock)
    string(JSON v GET "${lock}" packages "" version)
    expect("npm/${pkg}/package-lock.json root version" "${v}")
  endif()
endforeach()
file(READ ${ROOT}/npm/ruvector/package.json manifest)
foreach(dep @ruvector/core @ruvector/wasm)
  string(JSON v GET "${manifest}" optionalDependencies ${dep})
  expect("npm/ruvector/package.json optionalDependencies ${dep}" "${v}")
endforeach()
file(STRINGS ${ROOT}/npm/wasm/src/api.mjs line REGEX "^export const PACKAGE_VERSION = ")
string(REGEX MATCH "'([^']*)'" v "${line}")
set(v "${CMAKE_MATCH_1}")
expect("npm/wasm/src/api.mjs PACKAGE_VERSION" "${v}")

if(CLI)
  execute_process(COMMAND ${CLI} --version OUTPUT_VARIABLE out RESULT_VARIABLE rc)
  string(REGEX REPLACE "^ruvector ([^ \n]*).*" "\\1" v "${out}")
  expect("`ruvector --version` (C++ CLI, rc ${rc})" "${v}")
endif()

if(errors)
  message(FATAL_ERROR "versions disagree:${errors}\nfix: node scripts/set-version.mjs <version>")
endif()
message(STATUS "every version is ${want}")
