add_custom_target(juno_restore_satellite COMMAND "${CMAKE_COMMAND}" -E echo "the project's own")
juno_add_module(satellite CANISTER_ID ryjl3-tyaaa-aaaaa-aaaba-cai)
