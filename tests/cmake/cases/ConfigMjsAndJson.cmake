# juno.config.mjs next to a stale juno.config.json and juno.json, read by Node.js itself.
set(project "${CMAKE_BINARY_DIR}/juno-project")
file(CONFIGURE OUTPUT "${project}/juno.config.mjs" @ONLY CONTENT [[
export default { satellite: { id: 'ryjl3-tyaaa-aaaaa-aaaba-cai' } };
]])
file(CONFIGURE OUTPUT "${project}/juno.json" @ONLY CONTENT [[
{ "satellite": { "satelliteId": "em77e-bvlzu-aq" } }
]])
file(CONFIGURE OUTPUT "${project}/juno.config.json" @ONLY CONTENT [[
{ "satellite": { "id": "jx5yt-yyaaa-aaaal-abzbq-cai" } }
]])
set(JUNO_CONFIG "${project}" CACHE FILEPATH "" FORCE)
juno_add_module(satellite KIND satellite)
