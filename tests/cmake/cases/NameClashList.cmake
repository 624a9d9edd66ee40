juno_add_module(list CANISTER_ID ryjl3-tyaaa-aaaaa-aaaba-cai)
