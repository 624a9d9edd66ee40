# A mistyped id in the config: the error names the config it came from.
set(project "${CMAKE_BINARY_DIR}/juno-project")
file(CONFIGURE OUTPUT "${project}/juno.config.cjs" @ONLY CONTENT [[
module.exports = { satellite: { id: 'ryjl3-tyaaa-aaaaa-aaaba-caa' } };
]])
set(JUNO_CONFIG "${project}" CACHE FILEPATH "" FORCE)
juno_add_module(satellite KIND satellite)
