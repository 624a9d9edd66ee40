# The identity must exist at configure time; only its path reaches the module config.
file(CONFIGURE OUTPUT "${CMAKE_BINARY_DIR}/keys/me.pem" CONTENT "not a key: only its path is used\n")
juno_add_module(satellite KIND satellite CANISTER_ID ryjl3-tyaaa-aaaaa-aaaba-cai
  WASM "${CMAKE_BINARY_DIR}/sample.wasm" DEPENDS sample_wasm INSTALL_ARG_FILE args.bin
  NETWORK http://127.0.0.1:4943 IDENTITY "${CMAKE_BINARY_DIR}/keys/me.pem")
