# juno.config.cjs: CommonJS module.exports, with the deprecated satellite.satelliteId.
set(project "${CMAKE_BINARY_DIR}/juno-project")
file(CONFIGURE OUTPUT "${project}/juno.config.cjs" @ONLY CONTENT [[
const { defineConfig } = require('@junobuild/config');

module.exports = defineConfig({ satellite: { satelliteId: 'ryjl3-tyaaa-aaaaa-aaaba-cai', source: 'dist' } });
]])
set(JUNO_CONFIG "${project}" CACHE FILEPATH "" FORCE)
juno_add_module(satellite KIND satellite)
