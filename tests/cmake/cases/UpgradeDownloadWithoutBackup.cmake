juno_add_module(satellite CANISTER_ID ryjl3-tyaaa-aaaaa-aaaba-cai WASM "${CMAKE_BINARY_DIR}/sample.wasm" DEPENDS sample_wasm)
juno_add_module(analytics KIND orbiter CANISTER_ID em77e-bvlzu-aq)
