# JUNO_NODE points at a Node.js that is not there (uninstalled, or a typo).
set(project "${CMAKE_BINARY_DIR}/juno-project")
file(CONFIGURE OUTPUT "${project}/juno.config.mjs" @ONLY CONTENT [[
export default { satellite: { id: 'ryjl3-tyaaa-aaaaa-aaaba-cai' } };
]])
set(JUNO_NODE "${CMAKE_BINARY_DIR}/no-such-node" CACHE FILEPATH "" FORCE)
set(JUNO_CONFIG "${project}" CACHE FILEPATH "" FORCE)
juno_add_module(satellite KIND satellite)
