# Fuzz targets of the safety layer (owned by the safety engineer). Include this file from
# tests/fuzz/CMakeLists.txt after heregoes_fuzz.cmake:
#   include(${CMAKE_CURRENT_SOURCE_DIR}/safety_targets.cmake)
#   safety_screen  the normaliser, screen and gate on arbitrary messages and quick replies
#   safety_data    the pattern-pack, messages and crisis-resources parsers on arbitrary files
# Both read the shipped safety data from the source tree.
heregoes_fuzz_target(safety_screen ${CMAKE_CURRENT_LIST_DIR}/safety_screen_fuzz.cpp heregoes::safety)
target_compile_definitions(fuzz_safety_screen PRIVATE HEREGOES_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
heregoes_fuzz_target(safety_data ${CMAKE_CURRENT_LIST_DIR}/safety_data_fuzz.cpp heregoes::safety)
target_compile_definitions(fuzz_safety_data PRIVATE HEREGOES_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
