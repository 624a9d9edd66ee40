# The configure summary: one line per module, whatever its id's source, network and identity.
# The PEM is only checked to exist at configure time; the summary names it, never reads it.
file(WRITE "${CMAKE_BINARY_DIR}/controller.pem" "")
juno_add_module(site KIND satellite CANISTER_ID ryjl3-tyaaa-aaaaa-aaaba-cai NETWORK local
                IDENTITY "${CMAKE_BINARY_DIR}/controller.pem"
                WASM "${CMAKE_BINARY_DIR}/site.wasm.gz" INSTALL_ARG_FILE CMakeLists.txt)
juno_add_module(deployer CANISTER_ID jx5yt-yyaaa-aaaal-abzbq-cai NETWORK https://replica.example
                IDENTITY ci-deployer)
file(CONFIGURE OUTPUT "${CMAKE_BINARY_DIR}/juno-project/juno.config.mjs" @ONLY CONTENT [[
export default ({ mode }) => ({ orbiter: { ids: { [mode]: 'em77e-bvlzu-aq' } } });
]])
set(JUNO_CONFIG "${CMAKE_BINARY_DIR}/juno-project" CACHE FILEPATH "" FORCE)
juno_add_module(analytics KIND orbiter)
