# Two subprojects that each bring the plugin: both configure, one helper serves them.
add_subdirectory("${JUNO_SOURCE_DIR}" juno-first)
add_subdirectory("${JUNO_SOURCE_DIR}" juno-second)
juno_add_module(satellite CANISTER_ID ryjl3-tyaaa-aaaaa-aaaba-cai)
