# JUNO_HELPER_EXECUTABLE: the targets run the given helper and nothing builds one.
juno_target_edges(edges)
juno_expect_edge(edges juno_backup_satellite Juno::helper)
if(EXISTS "${BUILD_DIR}/juno-cmake/plugin")
  juno_fail("the helper's sources were configured although a prebuilt helper was given")
endif()
juno_read_module_config(satellite json)
juno_expect_json("${json}" ryjl3-tyaaa-aaaaa-aaaba-cai canister_id)
