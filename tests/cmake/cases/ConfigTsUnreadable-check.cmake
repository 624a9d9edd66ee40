# Nothing was generated for the module.
if(EXISTS "${BUILD_DIR}/juno/satellite.json")
  juno_fail("a module config was written although the config could not be read")
endif()
