# Finds the Node.js the tests run on (the local replica, the cross-checks, the end-to-end tests and
# the benchmark) and sets JUNO_NODE_EXECUTABLE for every tests/ folder.
#
# The search runs again at every configure, so a build folder never keeps a stale path: after
# tests/setup-debian.sh replaces an old Node.js, configuring an existing build folder picks up the
# new one. A user's own choice, -DJUNO_NODE_EXECUTABLE=<path>, is kept while it is new enough.
# The minimum version lives in tests/node-version.sh, shared with the set-up script.
include_guard(GLOBAL)

file(STRINGS "${CMAKE_CURRENT_LIST_DIR}/node-version.sh" _juno_node_minimum REGEX "^node_minimum=")
string(REGEX REPLACE "^node_minimum=" "" JUNO_NODE_MINIMUM "${_juno_node_minimum}")

# _juno_node_version(<executable> <out-var>): what `<executable> --version` prints, without the v;
# empty when it does not run.
function(_juno_node_version executable out_var)
  execute_process(COMMAND "${executable}" --version
                  OUTPUT_VARIABLE version OUTPUT_STRIP_TRAILING_WHITESPACE
                  RESULT_VARIABLE result ERROR_QUIET)
  if(NOT result EQUAL 0 OR NOT version MATCHES "^v[0-9]")
    set(version "")
  endif()
  string(REGEX REPLACE "^v" "" version "${version}")
  set(${out_var} "${version}" PARENT_SCOPE)
endfunction()

set(_juno_node_help "Node.js (${JUNO_NODE_MINIMUM} or newer) for the tests; empty: the first node on PATH")
# Build folders made before this file cached whatever find_program found first, under these doc
# strings: that was found, not chosen, so it is forgotten.
get_property(_juno_node_doc CACHE JUNO_NODE_EXECUTABLE PROPERTY HELPSTRING)
if(_juno_node_doc MATCHES "^(Node\\.js \\(>= 20\\) for the local replica|Node\\.js, for the cross-check tests|Path to a program\\.)$")
  unset(JUNO_NODE_EXECUTABLE CACHE)
endif()
set(JUNO_NODE_EXECUTABLE "" CACHE FILEPATH "${_juno_node_help}")

set(_juno_node "")
if(JUNO_NODE_EXECUTABLE)
  _juno_node_version("${JUNO_NODE_EXECUTABLE}" _juno_node_found_version)
  if(_juno_node_found_version AND NOT _juno_node_found_version VERSION_LESS JUNO_NODE_MINIMUM)
    set(_juno_node "${JUNO_NODE_EXECUTABLE}")
  else()
    message(WARNING "JUNO_NODE_EXECUTABLE=${JUNO_NODE_EXECUTABLE} is "
                    "'${_juno_node_found_version}', older than ${JUNO_NODE_MINIMUM} or not Node.js; "
                    "looking for node on PATH instead.")
  endif()
endif()
if(NOT _juno_node)
  find_program(_juno_node_on_path NAMES node nodejs NO_CACHE)
  if(NOT _juno_node_on_path)
    message(FATAL_ERROR
      "The tests need Node.js ${JUNO_NODE_MINIMUM} or newer, and there is no node on PATH. Run "
      "tests/setup-debian.sh (as root; it installs one), or configure with -DJUNO_BUILD_TESTS=OFF.")
  endif()
  _juno_node_version("${_juno_node_on_path}" _juno_node_found_version)
  if(NOT _juno_node_found_version OR _juno_node_found_version VERSION_LESS JUNO_NODE_MINIMUM)
    message(FATAL_ERROR
      "The tests need Node.js ${JUNO_NODE_MINIMUM} or newer; ${_juno_node_on_path} is "
      "'${_juno_node_found_version}'. Run tests/setup-debian.sh (as root; it installs one), set "
      "-DJUNO_NODE_EXECUTABLE=<a newer node>, or configure with -DJUNO_BUILD_TESTS=OFF.")
  endif()
  set(_juno_node "${_juno_node_on_path}")
endif()

# A normal variable, seen by every tests/ folder; the cache entry stays the user's choice.
set(JUNO_NODE_EXECUTABLE "${_juno_node}")
message(STATUS "Tests: Node.js ${_juno_node_found_version} at ${_juno_node}")
