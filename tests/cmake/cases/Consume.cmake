juno_add_module(satellite KIND satellite CANISTER_ID ryjl3-tyaaa-aaaaa-aaaba-cai
                WASM "${CMAKE_BINARY_DIR}/sample.wasm" DEPENDS sample_wasm)
# A JavaScript config is run by the script shipped with the plugin, however the plugin was added
# (installed, add_subdirectory, FetchContent).
file(CONFIGURE OUTPUT "${CMAKE_BINARY_DIR}/juno-project/juno.config.mjs" @ONLY CONTENT [[
export default ({ mode }) => ({ orbiter: { ids: { [mode]: 'em77e-bvlzu-aq' } } });
]])
set(JUNO_CONFIG "${CMAKE_BINARY_DIR}/juno-project" CACHE FILEPATH "" FORCE)
juno_add_module(analytics KIND orbiter)
