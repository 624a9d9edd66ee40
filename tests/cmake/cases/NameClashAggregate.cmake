add_custom_target(juno_backup COMMAND "${CMAKE_COMMAND}" -E echo "the project's own backup")
juno_add_module(satellite CANISTER_ID ryjl3-tyaaa-aaaaa-aaaba-cai)
