# The module names its own identity, yet the key pasted into JUNO_IDENTITY is still refused and
# removed from the cache.
juno_add_module(satellite KIND satellite CANISTER_ID ryjl3-tyaaa-aaaaa-aaaba-cai IDENTITY ci-deployer)
