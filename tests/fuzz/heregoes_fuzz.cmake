# heregoes_fuzz_target(name source libs...): builds one fuzz target, a source file defining
# LLVMFuzzerTestOneInput. With clang and HEREGOES_LIBFUZZER=ON it is a libFuzzer binary
# (-fsanitize=fuzzer) to run by hand; otherwise (g++, the default) it is linked with
# standalone_driver.cpp and registered as the ctest `fuzz.<name>`, which replays the seeds in
# tests/fuzz/seeds/<name>/ and then runs a bounded, deterministic mutation loop. Include this file
# from any tests/ CMakeLists.txt that adds a target; see tests/fuzz/README.md.
include_guard(GLOBAL)

option(HEREGOES_LIBFUZZER "Build fuzz targets with libFuzzer (needs clang)" OFF)

# Mutations each ctest run tries per target: enough to shake out shallow bugs in every CI run,
# few enough to keep the test suite quick on a 2-core machine. Deep fuzzing uses libFuzzer.
set(HEREGOES_FUZZ_ITERATIONS 20000 CACHE STRING "Mutations per fuzz target in the ctest run")

if(NOT (HEREGOES_LIBFUZZER AND CMAKE_CXX_COMPILER_ID MATCHES "Clang") AND NOT TARGET heregoes_fuzz_driver)
    add_library(heregoes_fuzz_driver STATIC ${CMAKE_CURRENT_LIST_DIR}/standalone_driver.cpp)
    target_link_libraries(heregoes_fuzz_driver PRIVATE heregoes_warnings)
endif()

function(heregoes_fuzz_target name source)
    # The directory of this file, wherever the function is called from.
    set(fuzz_dir ${CMAKE_CURRENT_FUNCTION_LIST_DIR})
    add_executable(fuzz_${name} ${source})
    target_link_libraries(fuzz_${name} PRIVATE ${ARGN} heregoes_root_includes heregoes_warnings)
    if(HEREGOES_LIBFUZZER AND CMAKE_CXX_COMPILER_ID MATCHES "Clang")
        target_compile_options(fuzz_${name} PRIVATE -fsanitize=fuzzer,address,undefined)
        target_link_options(fuzz_${name} PRIVATE -fsanitize=fuzzer,address,undefined)
        return()
    endif()
    target_link_libraries(fuzz_${name} PRIVATE heregoes_fuzz_driver)
    set(args ${fuzz_dir}/seeds/${name} --iterations ${HEREGOES_FUZZ_ITERATIONS})
    if(EXISTS ${fuzz_dir}/dicts/${name}.dict)
        list(APPEND args --dict ${fuzz_dir}/dicts/${name}.dict)
    endif()
    add_test(NAME fuzz.${name} COMMAND fuzz_${name} ${args})
endfunction()
