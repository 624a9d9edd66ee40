# Checks that every C++ source of the project is clang-format clean (the repository's
# .clang-format). Run by CTest as style.clang-format:
#   cmake -DSOURCE_DIR=<repo> -DCLANG_FORMAT=<clang-format> -P tests/Format.cmake
cmake_minimum_required(VERSION 3.22)
file(GLOB_RECURSE sources
  "${SOURCE_DIR}/plugin/src/*.cpp" "${SOURCE_DIR}/plugin/src/*.hpp"
  "${SOURCE_DIR}/tests/unit/*.cpp" "${SOURCE_DIR}/tests/fuzz/*.cpp"
  "${SOURCE_DIR}/tests/crosscheck/*.cpp" "${SOURCE_DIR}/tests/bench/*.cpp"
  "${SOURCE_DIR}/examples/*/src/*.cpp")
set(unformatted "")
foreach(file IN LISTS sources)
  execute_process(COMMAND "${CLANG_FORMAT}" --dry-run -Werror "${file}"
                  RESULT_VARIABLE result OUTPUT_QUIET ERROR_QUIET)
  if(NOT result EQUAL 0)
    string(APPEND unformatted "\n  ${file}")
  endif()
endforeach()
if(unformatted)
  message(FATAL_ERROR "not clang-format clean (run clang-format -i on them):${unformatted}")
endif()
