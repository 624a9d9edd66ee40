# A config that fails when run: its own error reaches the user.
set(project "${CMAKE_BINARY_DIR}/juno-project")
file(CONFIGURE OUTPUT "${project}/juno.config.mjs" @ONLY CONTENT [[
throw new Error('SATELLITE_ID is not set in this shell');
]])
set(JUNO_CONFIG "${project}" CACHE FILEPATH "" FORCE)
juno_add_module(satellite KIND satellite)
