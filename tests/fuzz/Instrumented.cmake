# The instrumented build (CORRAL_INSTRUMENTED, included by the top-level CMakeLists.txt): the
# libraries without LibTorch, compiled by clang with AddressSanitizer, UndefinedBehaviorSanitizer
# and libFuzzer's coverage, then the fuzz targets (tests/fuzz) and the test programs of
# CORRAL_SANITIZED_TESTS. LibTorch is left out: it is not instrumented, and the trainer's
# LibTorch half reads no outside input the torch-free half has not checked first.
if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  message(FATAL_ERROR "CORRAL_INSTRUMENTED needs clang for libFuzzer: configure with -DCMAKE_CXX_COMPILER=clang++")
endif()
include(${CMAKE_CURRENT_LIST_DIR}/Targets.cmake)

# Every object carries the sanitizers and the fuzzer's coverage hooks (the sanitizer runtime
# has no-op stand-ins for the hooks, so the test programs link without libFuzzer); only the
# fuzz targets link libFuzzer itself. -O1 keeps stacks readable and the build quick.
add_compile_options(-O1 -gline-tables-only -fno-omit-frame-pointer -fsanitize=address,undefined,fuzzer-no-link
                    -fno-sanitize-recover=all)
add_link_options(-fsanitize=address,undefined)
# clang's guess that adjacent literals in an array were meant as two items misfires on long SQL
# statements split over lines (app/runs/RunStore.cpp); gcc has no such warning.
target_compile_options(corral_settings INTERFACE -Wno-string-concatenation)

add_subdirectory(trainer)
find_package(Qt6 6.2 REQUIRED COMPONENTS Core Sql Test)
set(CMAKE_AUTOMOC ON)
add_subdirectory(app)

enable_testing()
add_subdirectory(tests/trainer)
add_subdirectory(tests/app)
add_subdirectory(tests/fuzz)
