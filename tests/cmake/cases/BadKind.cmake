juno_add_module(satellite KIND satelite CANISTER_ID ryjl3-tyaaa-aaaaa-aaaba-cai)
