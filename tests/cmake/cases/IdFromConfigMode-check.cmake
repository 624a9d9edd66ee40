juno_read_module_config(satellite sat)
juno_expect_json("${sat}" jx5yt-yyaaa-aaaal-abzbq-cai canister_id)
