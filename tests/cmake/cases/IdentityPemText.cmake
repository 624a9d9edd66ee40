# A PEM pasted into IDENTITY instead of its file's path.
juno_add_module(satellite KIND satellite CANISTER_ID ryjl3-tyaaa-aaaaa-aaaba-cai
  IDENTITY "-----BEGIN PRIVATE KEY-----\nNotARealKeyOnlyItsShape\n-----END PRIVATE KEY-----\n")
