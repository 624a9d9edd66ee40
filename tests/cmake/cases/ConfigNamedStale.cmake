# JUNO_CONFIG names a juno.config.json that Juno's CLI would not read (a juno.config.cjs is next
# to it): the user's choice stands, with a warning naming both.
set(project "${CMAKE_BINARY_DIR}/juno-project")
file(CONFIGURE OUTPUT "${project}/juno.config.cjs" @ONLY CONTENT [[
module.exports = { satellite: { id: 'jx5yt-yyaaa-aaaal-abzbq-cai' } };
]])
file(CONFIGURE OUTPUT "${project}/juno.config.json" @ONLY CONTENT [[
{ "satellite": { "id": "ryjl3-tyaaa-aaaaa-aaaba-cai" } }
]])
set(JUNO_CONFIG "${project}/juno.config.json" CACHE FILEPATH "" FORCE)
juno_add_module(satellite KIND satellite)
