juno_read_module_config(satellite sat)
juno_expect_json("${sat}" ryjl3-tyaaa-aaaaa-aaaba-cai canister_id)
