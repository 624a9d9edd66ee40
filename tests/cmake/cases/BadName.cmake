juno_add_module(my-satellite CANISTER_ID ryjl3-tyaaa-aaaaa-aaaba-cai)
