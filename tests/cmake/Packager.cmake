# A packager's build: juno-cmake configured on its own with a prebuilt helper
# (JUNO_HELPER_EXECUTABLE), installed, then found by a project with find_package. The installed
# package must hold the helper where its config looks for it, and the project's targets must run
# that helper.
#
#   cmake -DJUNO_SOURCE_DIR=<repo> -DWORK_DIR=<scratch> -DHELPER=<juno-helper> -DGENERATOR=<g>
#         -P Packager.cmake
file(REMOVE_RECURSE "${WORK_DIR}")
set(build "${WORK_DIR}/build")
set(prefix "${WORK_DIR}/prefix")
function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE result OUTPUT_VARIABLE output ERROR_VARIABLE output)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "failed (${result}): ${ARGN}\n${output}")
  endif()
  set(output "${output}" PARENT_SCOPE)
endfunction()

run("${CMAKE_COMMAND}" -S "${JUNO_SOURCE_DIR}" -B "${build}" -G "${GENERATOR}"
    "-DJUNO_HELPER_EXECUTABLE=${HELPER}" -DJUNO_BUILD_TESTS=OFF)
run("${CMAKE_COMMAND}" --build "${build}")
run("${CMAKE_COMMAND}" --install "${build}" --prefix "${prefix}")
set(installed_helper "${prefix}/bin/juno-helper")
if(NOT EXISTS "${installed_helper}")
  message(FATAL_ERROR "the packager's install has no ${installed_helper}, where JunoConfig.cmake looks")
endif()
run("${installed_helper}" --version)
if(NOT output MATCHES "^juno-helper ")
  message(FATAL_ERROR "the installed helper does not run as juno-helper: ${output}")
endif()

# A project finds the package; its targets run the installed helper.
set(consumer "${WORK_DIR}/consumer")
file(WRITE "${consumer}/CMakeLists.txt" [[
cmake_minimum_required(VERSION 3.22)
project(PackagedConsumer NONE)
find_package(Juno 0.1 CONFIG REQUIRED)
juno_add_module(satellite CANISTER_ID ryjl3-tyaaa-aaaaa-aaaba-cai)
get_target_property(helper Juno::helper IMPORTED_LOCATION)
message(STATUS "helper: ${helper}")
]])
run("${CMAKE_COMMAND}" -S "${consumer}" -B "${consumer}/build" -G "${GENERATOR}"
    "-DCMAKE_PREFIX_PATH=${prefix}")
string(REGEX MATCH "helper: [^\n]*" line "${output}")
if(NOT line STREQUAL "helper: ${installed_helper}")
  message(FATAL_ERROR "the installed package imports the helper from '${line}', not ${installed_helper}")
endif()
message(STATUS "packager build: the installed helper is ${installed_helper} and runs")
