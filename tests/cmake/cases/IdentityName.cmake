# Identity names pass through for the helper to look up; an existing file is a path.
juno_add_module(satellite KIND satellite CANISTER_ID ryjl3-tyaaa-aaaaa-aaaba-cai)
juno_add_module(deployer CANISTER_ID jx5yt-yyaaa-aaaal-abzbq-cai IDENTITY ci-deployer)
juno_add_module(local_key CANISTER_ID em77e-bvlzu-aq IDENTITY CMakeLists.txt)
