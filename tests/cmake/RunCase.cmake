# Runs one case, RunCMake style: configures tests/cmake/project with the case file, then checks
# the exit code and stderr against <Case>-stderr.txt (a regex; its presence means configure must
# fail) and runs <Case>-check.cmake on success, which sets JUNO_TEST_FAILED to report a problem.
#
#   cmake -DCASE=<name> -DJUNO_SOURCE_DIR=<repo> -DWORK_DIR=<dir> -DGENERATOR=<gen>
#         [-DCONSUME=find_package|add_subdirectory|FetchContent] [-DPREFIX=<install prefix>]
#         [-DHELPER=<executable>] -P RunCase.cmake
cmake_minimum_required(VERSION 3.22)

set(cases_dir "${CMAKE_CURRENT_LIST_DIR}/cases")
set(case_file "${cases_dir}/${CASE}.cmake")
if(NOT EXISTS "${case_file}")
  message(FATAL_ERROR "RunCase: no case file ${case_file}")
endif()
set(BUILD_DIR "${WORK_DIR}/${CASE}")
file(REMOVE_RECURSE "${BUILD_DIR}")
file(MAKE_DIRECTORY "${BUILD_DIR}")
# Custom targets appear in --graphviz output only when asked for.
file(WRITE "${BUILD_DIR}/CMakeGraphVizOptions.cmake" "set(GRAPHVIZ_CUSTOM_TARGETS TRUE)\n")

set(options -DJUNO_SOURCE_DIR=${JUNO_SOURCE_DIR} -DJUNO_CASE_FILE=${case_file})
if(CONSUME)
  list(APPEND options -DJUNO_CONSUME=${CONSUME})
else()
  if(NOT HELPER)
    set(HELPER "${CMAKE_COMMAND}")
  endif()
  list(APPEND options -DJUNO_HELPER_EXECUTABLE=${HELPER})
endif()
if(PREFIX)
  list(APPEND options -DCMAKE_PREFIX_PATH=${PREFIX})
endif()
if(EXISTS "${cases_dir}/${CASE}-options.txt")
  file(STRINGS "${cases_dir}/${CASE}-options.txt" case_options)
  list(APPEND options ${case_options})
endif()

execute_process(
  COMMAND "${CMAKE_COMMAND}" -S "${CMAKE_CURRENT_LIST_DIR}/project" -B "${BUILD_DIR}" -G "${GENERATOR}"
          --no-warn-unused-cli ${options}
  WORKING_DIRECTORY "${BUILD_DIR}"
  RESULT_VARIABLE result OUTPUT_VARIABLE stdout ERROR_VARIABLE stderr)

set(JUNO_TEST_FAILED "")
if(EXISTS "${cases_dir}/${CASE}-stderr.txt")
  file(READ "${cases_dir}/${CASE}-stderr.txt" expected)
  string(STRIP "${expected}" expected)
  # CMake wraps long messages; compare with all whitespace runs folded to one space.
  string(REGEX REPLACE "[ \t\r\n]+" " " flat_stderr "${stderr}")
  if(result EQUAL 0)
    set(JUNO_TEST_FAILED "configure succeeded; it should have failed with:\n${expected}")
  elseif(NOT flat_stderr MATCHES "${expected}")
    set(JUNO_TEST_FAILED "stderr does not match\n  ${expected}\nActual stderr:\n${stderr}")
  endif()
else()
  if(NOT result EQUAL 0)
    set(JUNO_TEST_FAILED "configure failed:\n${stdout}\n${stderr}")
  elseif(stderr MATCHES "(CMake Warning|CMake Error|CMake Deprecation)")
    set(JUNO_TEST_FAILED "configure printed a warning:\n${stderr}")
  elseif(EXISTS "${cases_dir}/${CASE}-check.cmake")
    include("${CMAKE_CURRENT_LIST_DIR}/CheckHelpers.cmake")
    include("${cases_dir}/${CASE}-check.cmake")
  endif()
endif()

if(JUNO_TEST_FAILED)
  message(FATAL_ERROR "case ${CASE} (${GENERATOR}${CONSUME_LABEL}): ${JUNO_TEST_FAILED}")
endif()
message(STATUS "case ${CASE} (${GENERATOR}): passed")
