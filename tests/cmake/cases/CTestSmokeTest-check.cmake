# The test runs the helper with the module's own config, read from the target property.
file(READ "${BUILD_DIR}/CTestTestfile.cmake" content)
if(NOT content MATCHES "satellite_status[^\n]*\"status\" \"--config\" \"([^\"]*)\"")
  juno_fail("the smoke test's command has no --config:\n${content}")
elseif(NOT CMAKE_MATCH_1 STREQUAL "${BUILD_DIR}/juno/satellite.json")
  juno_fail("the smoke test names '${CMAKE_MATCH_1}', not the module config")
endif()
