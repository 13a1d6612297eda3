# Project-wide compile flags: warnings everywhere, -Werror when CI asks, optional sanitizers.
add_library(bh_flags INTERFACE)
target_compile_options(bh_flags INTERFACE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
  -Wold-style-cast -Wcast-align -Woverloaded-virtual -Wconversion
  -Wimplicit-fallthrough)
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  # GCC 12 reports false positives inside Boost.Asio and libstdc++ (PR 105329, 105651), so
  # these stay off for it; clang builds (fuzzing) keep them.
  target_compile_options(bh_flags INTERFACE -Wno-restrict -Wno-maybe-uninitialized
    -Wno-array-bounds -Wno-stringop-overflow)
endif()
if(BH_WERROR)
  target_compile_options(bh_flags INTERFACE -Werror)
endif()
if(BH_SANITIZE)
  target_compile_options(bh_flags INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer
    -fno-sanitize-recover=undefined)
  target_link_options(bh_flags INTERFACE -fsanitize=address,undefined)
endif()
if(BH_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "BH_FUZZ needs clang (libFuzzer): -DCMAKE_CXX_COMPILER=clang++")
  endif()
  # Coverage instrumentation for everything; only the targets link libFuzzer's main.
  target_compile_options(bh_flags INTERFACE -fsanitize=fuzzer-no-link)
endif()
# Asio: no deprecated interfaces, and no Boost.System library to link.
target_compile_definitions(bh_flags INTERFACE BOOST_ASIO_NO_DEPRECATED BOOST_ERROR_CODE_HEADER_ONLY)

# Precompiled headers for clang (the sanitized CI build): nlohmann/json and the standard headers
# nearly every file includes (and, for tests, GoogleTest and RapidCheck) are parsed once per
# target, not once per file. Measured on bh_protocol: 54 -> 41 s wall; on the mockserver tests
# 76 -> 73 s. A target of few files would spend more on its header than it saves (min_files).
# g++ (the demo and bench build) is left alone: its .gch files run to hundreds of MB each.
option(BH_PCH "Precompile the headers most files include (clang builds)" ON)
function(bh_precompile target files min_files)
  list(LENGTH files n)
  if(BH_PCH AND CMAKE_CXX_COMPILER_ID MATCHES "Clang" AND n GREATER_EQUAL min_files)
    target_precompile_headers(${target} PRIVATE <nlohmann/json.hpp> <string> <string_view>
      <vector> <map> <memory> <optional> <functional> <chrono> ${ARGN})
  endif()
endfunction()

# bh_component(NAME DIR DEPS...): one static library per component folder; sources are every
# .cpp directly in DIR, so adding a file needs no edit here.
function(bh_component name)
  cmake_parse_arguments(ARG "" "" "DEPS" ${ARGN})
  file(GLOB srcs CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cpp)
  add_library(${name} STATIC ${srcs})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR})
  target_link_libraries(${name} PUBLIC bh_flags ${ARG_DEPS})
  bh_precompile(${name} "${srcs}" 8)
endfunction()
if(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  # clang's -Wconversion also turns on -Wsign-conversion, which g++'s does not; the project's
  # warning set is the same on both compilers.
  target_compile_options(bh_flags INTERFACE -Wnull-dereference -Wno-sign-conversion)
endif()
