# A project that embeds the plugin: its own `cmake --install` must not install juno-cmake.
juno_add_module(satellite CANISTER_ID ryjl3-tyaaa-aaaaa-aaaba-cai)
