juno_add_module(foo CANISTER_ID ryjl3-tyaaa-aaaaa-aaaba-cai)
juno_add_module(from_foo CANISTER_ID ryjl3-tyaaa-aaaaa-aaaba-cai)
