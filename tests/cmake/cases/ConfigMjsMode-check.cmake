juno_read_module_config(satellite sat)
juno_expect_json("${sat}" jx5yt-yyaaa-aaaal-abzbq-cai canister_id)
# The same config in production falls back to satellite.id.
juno_reconfigure(-DJUNO_MODE=production)
juno_read_module_config(satellite sat)
juno_expect_json("${sat}" ryjl3-tyaaa-aaaaa-aaaba-cai canister_id)
