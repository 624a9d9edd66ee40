juno_add_module(satellite CANISTER_ID ryjl3-tyaaa-aaaaa-aaaba-cai)
juno_add_module(satellite CANISTER_ID ryjl3-tyaaa-aaaaa-aaaba-cai)
