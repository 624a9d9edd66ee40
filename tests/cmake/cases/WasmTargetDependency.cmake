# WASM given as a target's file, or as the target itself, makes the upgrade build that target
# first, without DEPENDS.
enable_language(C)
file(WRITE "${CMAKE_BINARY_DIR}/module.c" "int main(void) { return 0; }\n")
add_executable(satellite_wasm "${CMAKE_BINARY_DIR}/module.c")
add_executable(orbiter_wasm "${CMAKE_BINARY_DIR}/module.c")
juno_add_module(satellite CANISTER_ID ryjl3-tyaaa-aaaaa-aaaba-cai WASM $<TARGET_FILE:satellite_wasm>)
juno_add_module(analytics KIND orbiter CANISTER_ID em77e-bvlzu-aq WASM orbiter_wasm)
juno_add_module(plain CANISTER_ID ryjl3-tyaaa-aaaaa-aaaba-cai WASM "${CMAKE_BINARY_DIR}/sample.wasm")
