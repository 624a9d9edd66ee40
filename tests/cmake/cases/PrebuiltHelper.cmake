juno_add_module(satellite KIND satellite CANISTER_ID ryjl3-tyaaa-aaaaa-aaaba-cai
                WASM "${CMAKE_BINARY_DIR}/sample.wasm" DEPENDS sample_wasm)
