# Installable C++ package (included from the top-level CMakeLists.txt):
#
#   cmake --install <build> --prefix <dir> puts
#     include/ruvector/*.h                       the public API
#     lib/libruvector.a                          static library      -> ruvector::ruvector_static
#     lib/libruvector.so.MAJOR.MINOR.PATCH (+ so-links) shared library -> ruvector::ruvector
#     lib/cmake/ruvector/ruvectorConfig.cmake    find_package(ruvector) (+ version file, targets)
#     lib/pkgconfig/ruvector.pc                  pkg-config ruvector (--static for the .a)
#     bin/ruvector                               the command line tool (tools/cli)
#
# ruvector::ruvector is the shared library, as `-lruvector` is for pkg-config; link
# ruvector::ruvector_static for a self-contained program. While the major version is 0
# the soname carries MAJOR.MINOR: any minor release may change the ABI.
# Dependencies of the installed package: nlohmann_json (public: the API uses its Json),
# the private pkg-config libraries below (unless RUVECTOR_MEMORY_ONLY), Threads (with
# RUVECTOR_THREADS).
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

# The engine's private pkg-config dependencies, PREFIX:module as the top-level
# CMakeLists.txt finds them (pkg_check_modules(PREFIX ... IMPORTED_TARGET module)). A new
# one goes here too: the shared library links it, ruvectorConfig.cmake finds it (the
# static library's link interface names PkgConfig::PREFIX) and ruvector.pc requires it.
set(RUVECTOR_PRIVATE_PKGS "")
if(NOT RUVECTOR_MEMORY_ONLY)
  set(RUVECTOR_PRIVATE_PKGS LMDB:lmdb XXHASH:libxxhash)
endif()

# The shared library is linked from the static one's objects (position independent,
# compiled once).
add_library(ruvector_shared SHARED $<TARGET_OBJECTS:ruvector>)
set(RUVECTOR_CONFIG_FIND_PKGS "")
set(RUVECTOR_PC_REQUIRES_PRIVATE "")
foreach(pair ${RUVECTOR_PRIVATE_PKGS})
  string(REPLACE ":" ";" pair "${pair}")
  list(GET pair 0 prefix)
  list(GET pair 1 module)
  target_link_libraries(ruvector_shared PRIVATE PkgConfig::${prefix})
  string(APPEND RUVECTOR_CONFIG_FIND_PKGS "  pkg_check_modules(${prefix} REQUIRED IMPORTED_TARGET ${module})\n")
  list(APPEND RUVECTOR_PC_REQUIRES_PRIVATE ${module})
endforeach()
string(REPLACE ";" " " RUVECTOR_PC_REQUIRES_PRIVATE "${RUVECTOR_PC_REQUIRES_PRIVATE}")
target_link_libraries(ruvector_shared PUBLIC nlohmann_json::nlohmann_json)
if(RUVECTOR_THREADS)
  target_link_libraries(ruvector_shared PUBLIC Threads::Threads)
endif()
target_include_directories(ruvector_shared PUBLIC
  $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/include> $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
set_target_properties(ruvector_shared PROPERTIES
  OUTPUT_NAME ruvector EXPORT_NAME ruvector
  VERSION ${PROJECT_VERSION} SOVERSION ${PROJECT_VERSION_MAJOR}.${PROJECT_VERSION_MINOR})
set_target_properties(ruvector PROPERTIES EXPORT_NAME ruvector_static)
target_compile_features(ruvector PUBLIC cxx_std_20)
target_compile_features(ruvector_shared PUBLIC cxx_std_20)

install(DIRECTORY include/ruvector DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} FILES_MATCHING PATTERN "*.h")
install(TARGETS ruvector ruvector_shared EXPORT ruvectorTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
set(RUVECTOR_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/ruvector)
install(EXPORT ruvectorTargets NAMESPACE ruvector:: DESTINATION ${RUVECTOR_CMAKE_DIR})
configure_package_config_file(cmake/ruvectorConfig.cmake.in ${CMAKE_CURRENT_BINARY_DIR}/ruvectorConfig.cmake
  INSTALL_DESTINATION ${RUVECTOR_CMAKE_DIR})
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/ruvectorConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/ruvectorConfig.cmake ${CMAKE_CURRENT_BINARY_DIR}/ruvectorConfigVersion.cmake
  DESTINATION ${RUVECTOR_CMAKE_DIR})

# pkg-config: Libs.private/Requires.private are what `pkg-config --static` adds.
set(RUVECTOR_PC_LIBS_PRIVATE "-lstdc++ -lm")
if(RUVECTOR_THREADS)
  string(APPEND RUVECTOR_PC_LIBS_PRIVATE " -pthread")
endif()
# Relocatable: the prefix is found from the .pc file's own folder.
file(RELATIVE_PATH RUVECTOR_PC_TO_PREFIX /${CMAKE_INSTALL_LIBDIR}/pkgconfig /)
string(REGEX REPLACE "/$" "" RUVECTOR_PC_TO_PREFIX "${RUVECTOR_PC_TO_PREFIX}")
configure_file(cmake/ruvector.pc.in ${CMAKE_CURRENT_BINARY_DIR}/ruvector.pc @ONLY)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/ruvector.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
