# The legacy juno.json of older Juno projects, which Juno's CLI still reads before
# juno.config.json.
set(project "${CMAKE_BINARY_DIR}/juno-project")
file(CONFIGURE OUTPUT "${project}/juno.json" @ONLY CONTENT [[
{ "satellite": { "satelliteId": "ryjl3-tyaaa-aaaaa-aaaba-cai", "source": "dist" } }
]])
set(JUNO_CONFIG "${project}" CACHE FILEPATH "" FORCE)
juno_add_module(satellite KIND satellite)
