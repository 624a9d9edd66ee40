juno_add_module(satellite CANISTER_ID ryjl3tyaaa-aaaaa-aaaba-cai)
