juno_read_module_config(satellite sat)
juno_expect_json("${sat}" ryjl3-tyaaa-aaaaa-aaaba-cai canister_id)
juno_read_module_config(analytics orb)
juno_expect_json("${orb}" em77e-bvlzu-aq canister_id)
