# Assertions for <Case>-check.cmake files. Each appends to JUNO_TEST_FAILED instead of stopping,
# so that one run reports every problem.

macro(juno_fail text)
  string(APPEND JUNO_TEST_FAILED "\n  ${text}")
endmacro()

# The generated module config of <module> (single-config path, or <config>/ when given).
function(juno_read_module_config module out_var)
  set(path "${BUILD_DIR}/juno/${module}.json")
  if(ARGC GREATER 2)
    set(path "${BUILD_DIR}/juno/${ARGV2}/${module}.json")
  elseif(NOT EXISTS "${path}")
    set(path "${BUILD_DIR}/juno/Debug/${module}.json")  # multi-config generators
  endif()
  if(NOT EXISTS "${path}")
    set(${out_var} "" PARENT_SCOPE)
    return()
  endif()
  file(READ "${path}" json)
  set(${out_var} "${json}" PARENT_SCOPE)
endfunction()

# Checks one field (a path of JSON keys) of a JSON document.
macro(juno_expect_json json expected)
  string(JSON _juno_actual ERROR_VARIABLE _juno_problem GET "${json}" ${ARGN})
  if(_juno_problem)
    juno_fail("field '${ARGN}' is missing: ${_juno_problem}")
  elseif(NOT "${_juno_actual}" STREQUAL "${expected}")
    juno_fail("field '${ARGN}' is '${_juno_actual}', expected '${expected}'")
  endif()
endmacro()

# The target graph (cmake --graphviz), as "a -> b" lines.
function(juno_target_edges out_var)
  execute_process(COMMAND "${CMAKE_COMMAND}" "--graphviz=${BUILD_DIR}/targets.dot" .
                  WORKING_DIRECTORY "${BUILD_DIR}" OUTPUT_QUIET ERROR_QUIET)
  file(STRINGS "${BUILD_DIR}/targets.dot" lines REGEX "// .* -> ")
  set(edges "")
  foreach(line IN LISTS lines)
    string(REGEX REPLACE ".*// " "" edge "${line}")
    list(APPEND edges "${edge}")
  endforeach()
  set(${out_var} "${edges}" PARENT_SCOPE)
endfunction()

macro(juno_expect_edge edges from to)
  if(NOT "${from} -> ${to}" IN_LIST ${edges})
    juno_fail("no dependency ${from} -> ${to}")
  endif()
endmacro()

macro(juno_expect_no_edge edges from to)
  if("${from} -> ${to}" IN_LIST ${edges})
    juno_fail("unexpected dependency ${from} -> ${to}")
  endif()
endmacro()

# Builds <target> in the case's build tree; sets <out_var> to its combined output.
function(juno_build target out_var)
  execute_process(COMMAND "${CMAKE_COMMAND}" --build "${BUILD_DIR}" --target ${target}
                  RESULT_VARIABLE result OUTPUT_VARIABLE output ERROR_VARIABLE output)
  if(NOT result EQUAL 0)
    juno_fail("building ${target} failed:\n${output}")
  endif()
  set(${out_var} "${output}" PARENT_SCOPE)
  set(JUNO_TEST_FAILED "${JUNO_TEST_FAILED}" PARENT_SCOPE)  # juno_fail is a macro
endfunction()

# Re-runs CMake in the case's build tree with extra -D options, as a user changing the cache.
function(juno_reconfigure)
  execute_process(COMMAND "${CMAKE_COMMAND}" ${ARGN} .
                  WORKING_DIRECTORY "${BUILD_DIR}"
                  RESULT_VARIABLE result OUTPUT_VARIABLE output ERROR_VARIABLE output)
  if(NOT result EQUAL 0)
    juno_fail("reconfiguring with ${ARGN} failed:\n${output}")
  endif()
  set(JUNO_TEST_FAILED "${JUNO_TEST_FAILED}" PARENT_SCOPE)  # juno_fail is a macro
endfunction()

# The helper target: Juno::helper when imported, juno-helper (the alias's real name) when built
# in this project.
macro(juno_expect_helper_edge edges from)
  if(NOT "${from} -> Juno::helper" IN_LIST ${edges} AND NOT "${from} -> juno-helper" IN_LIST ${edges})
    juno_fail("${from} does not depend on the helper")
  endif()
endmacro()

# Checks that the generated build runs `<helper> <command> --config <m1> --config <m2> ...` for
# <aggregate>: one helper run over every module, in the order given (Ninja or Makefiles).
function(juno_expect_aggregate_command aggregate command)
  file(GLOB_RECURSE files "${BUILD_DIR}/build*.ninja" "${BUILD_DIR}/CMakeFiles/*.ninja"
       "${BUILD_DIR}/CMakeFiles/${aggregate}.dir/build.make")
  set(rules "")
  foreach(file IN LISTS files)
    file(READ "${file}" content)
    string(APPEND rules "${content}")
  endforeach()
  set(pattern "[^\n]* ${command}")
  foreach(module IN LISTS ARGN)
    string(APPEND pattern " --config \"?[^ \n\"]*/${module}[.]json\"?")
  endforeach()
  if(NOT rules MATCHES "${pattern}")
    juno_fail("${aggregate} does not run one helper '${command}' over the modules ${ARGN}")
  elseif(CMAKE_MATCH_0 MATCHES "<CONFIG>")
    juno_fail("${aggregate} passes an unevaluated generator expression: ${CMAKE_MATCH_0}")
  endif()
  set(JUNO_TEST_FAILED "${JUNO_TEST_FAILED}" PARENT_SCOPE)  # juno_fail is a macro
endfunction()
