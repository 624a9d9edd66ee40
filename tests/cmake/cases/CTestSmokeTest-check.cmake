# The test runs the helper with the module's own config, read from the target property; under a
# multi-config generator, each configuration's own (no $<CONFIG> left unevaluated).
file(READ "${BUILD_DIR}/CTestTestfile.cmake" content)
if(NOT content MATCHES "satellite_status[^\n]*\"status\" \"--config\" \"([^\"]*)\"")
  juno_fail("the smoke test's command has no --config:\n${content}")
elseif(EXISTS "${BUILD_DIR}/build-Debug.ninja")
  set(named "${CMAKE_MATCH_1}")  # a failed MATCHES below clears CMAKE_MATCH_1
  if(NOT named MATCHES "^${BUILD_DIR}/juno/(Debug|Release|RelWithDebInfo|MinSizeRel)/satellite[.]json$")
    juno_fail("the smoke test names '${named}', not a configuration's module config")
  endif()
elseif(NOT CMAKE_MATCH_1 STREQUAL "${BUILD_DIR}/juno/satellite.json")
  juno_fail("the smoke test names '${CMAKE_MATCH_1}', not the module config")
endif()
