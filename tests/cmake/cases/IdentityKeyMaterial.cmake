juno_add_module(satellite KIND satellite CANISTER_ID ryjl3-tyaaa-aaaaa-aaaba-cai)
