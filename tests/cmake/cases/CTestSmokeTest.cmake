# A project's own CTest test that runs the helper for a module, as the README shows.
enable_testing()
juno_add_module(satellite CANISTER_ID ryjl3-tyaaa-aaaaa-aaaba-cai)
add_test(NAME satellite_status
         COMMAND Juno::helper status
                 --config $<GENEX_EVAL:$<TARGET_PROPERTY:juno_status_satellite,JUNO_MODULE_CONFIG>>)
