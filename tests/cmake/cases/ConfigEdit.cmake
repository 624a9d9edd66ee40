# A config edited, then outgrown by a juno.config.mjs, after the first configure; written only
# once, so that the check's edits survive the re-runs of CMake they cause.
set(project "${CMAKE_BINARY_DIR}/juno-project")
if(NOT EXISTS "${project}/juno.config.json")
  file(WRITE "${project}/juno.config.json" [[{ "satellite": { "id": "ryjl3-tyaaa-aaaaa-aaaba-cai" } }]])
endif()
set(JUNO_CONFIG "${project}" CACHE FILEPATH "" FORCE)
juno_add_module(satellite KIND satellite)
