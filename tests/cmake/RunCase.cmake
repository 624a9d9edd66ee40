# Runs one case, RunCMake style: configures tests/cmake/project with the case file, then checks
# the exit code and stderr against <Case>-stderr.txt (a regex; its presence means configure must
# fail) or <Case>-warning.txt (a regex the warnings of a successful configure must match; without
# it, any warning fails the case), and runs <Case>-check.cmake, which sets JUNO_TEST_FAILED to
# report a problem (after a failure as expected too: it sees the configure's `stderr`).
#
#   cmake -DCASE=<name> -DJUNO_SOURCE_DIR=<repo> -DWORK_DIR=<dir> -DGENERATOR=<gen>
#         [-DCONSUME=find_package|add_subdirectory|FetchContent] [-DPREFIX=<install prefix>]
#         [-DHELPER=<executable>] [-DNODE=<node>] [-DNEEDS=config-loader|type-stripping]
#         [-DCASE_OPTIONS=<configure options>] -P RunCase.cmake
#
# NEEDS names what the case cannot run without; when it is missing, the case prints
# "JUNO_TEST_SKIPPED: <why>", which CTest reports as a skip (SKIP_REGULAR_EXPRESSION: a script
# run by `cmake -P` 3.22 cannot choose its exit code).
cmake_minimum_required(VERSION 3.22)

# The Node.js with type stripping (22.6 or newer) that a `type-stripping` case runs on: NODE, else
# $JUNO_TEST_TS_NODE, else the one tests/setup-debian.sh installs under /usr/local/lib/juno-node.
function(_juno_type_stripping_node out_var)
  file(GLOB installed /usr/local/lib/juno-node/v*/bin/node)
  foreach(node IN ITEMS "${NODE}" "$ENV{JUNO_TEST_TS_NODE}" ${installed})
    if(node STREQUAL "")
      continue()
    endif()
    execute_process(COMMAND "${node}" --version OUTPUT_VARIABLE version RESULT_VARIABLE result
                    OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
    string(REGEX REPLACE "^v" "" version "${version}")
    if(result EQUAL 0 AND version VERSION_GREATER_EQUAL 22.6)
      set(${out_var} "${node}" PARENT_SCOPE)
      return()
    endif()
  endforeach()
  set(${out_var} "" PARENT_SCOPE)
endfunction()

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
if(NODE)
  list(APPEND options -DJUNO_NODE=${NODE})
endif()
if(NEEDS STREQUAL "config-loader")
  # Installed by tests/setup-debian.sh (npm ci in tests/cmake); the case links it into its project.
  set(loader "${CMAKE_CURRENT_LIST_DIR}/node_modules/@junobuild/config-loader/package.json")
  if(NOT EXISTS "${loader}")
    message(STATUS "JUNO_TEST_SKIPPED: ${CASE} needs Juno's config loader in "
                   "${CMAKE_CURRENT_LIST_DIR}/node_modules; run tests/setup-debian.sh (or npm ci there)")
    return()
  endif()
elseif(NEEDS STREQUAL "type-stripping")
  _juno_type_stripping_node(ts_node)
  if(NOT ts_node)
    message(STATUS "JUNO_TEST_SKIPPED: ${CASE} needs Node.js 22.6 or newer (TypeScript type "
                   "stripping); none found (NODE='${NODE}', JUNO_TEST_TS_NODE, "
                   "/usr/local/lib/juno-node). Set JUNO_TEST_TS_NODE=<node> to run it "
                   "(tests/setup-debian.sh installs Node.js 24 where no Node.js 24+ is found).")
    return()
  endif()
  list(APPEND options -DJUNO_TEST_TS_NODE=${ts_node})
endif()
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
# One case file run several ways: each test passes its own options.
list(APPEND options ${CASE_OPTIONS})
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
  elseif(EXISTS "${cases_dir}/${CASE}-check.cmake")
    include("${CMAKE_CURRENT_LIST_DIR}/CheckHelpers.cmake")
    include("${cases_dir}/${CASE}-check.cmake")
  endif()
else()
  set(expected_warning "")
  if(EXISTS "${cases_dir}/${CASE}-warning.txt")
    file(READ "${cases_dir}/${CASE}-warning.txt" expected_warning)
    string(STRIP "${expected_warning}" expected_warning)
  endif()
  string(REGEX REPLACE "[ \t\r\n]+" " " flat_stderr "${stderr}")
  if(NOT result EQUAL 0)
    set(JUNO_TEST_FAILED "configure failed:\n${stdout}\n${stderr}")
  elseif(expected_warning AND NOT flat_stderr MATCHES "${expected_warning}")
    set(JUNO_TEST_FAILED "stderr has not the expected warning\n  ${expected_warning}\nActual stderr:\n${stderr}")
  elseif(NOT expected_warning AND stderr MATCHES "(CMake Warning|CMake Error|CMake Deprecation)")
    set(JUNO_TEST_FAILED "configure printed a warning:\n${stderr}")
  elseif(stderr MATCHES "(CMake Error|CMake Deprecation)")
    set(JUNO_TEST_FAILED "configure printed an error:\n${stderr}")
  elseif(EXISTS "${cases_dir}/${CASE}-check.cmake")
    include("${CMAKE_CURRENT_LIST_DIR}/CheckHelpers.cmake")
    include("${cases_dir}/${CASE}-check.cmake")
  endif()
endif()

if(JUNO_TEST_FAILED)
  message(FATAL_ERROR "case ${CASE} (${GENERATOR}${CONSUME_LABEL}): ${JUNO_TEST_FAILED}")
endif()
message(STATUS "case ${CASE} (${GENERATOR}): passed")
