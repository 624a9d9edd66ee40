# A build after an edit uses the new id: the config is a configure dependency.
set(project "${BUILD_DIR}/juno-project")
juno_read_module_config(satellite sat)
juno_expect_json("${sat}" ryjl3-tyaaa-aaaaa-aaaba-cai canister_id)
file(WRITE "${project}/juno.config.json" [[{ "satellite": { "id": "jx5yt-yyaaa-aaaal-abzbq-cai" } }]])
juno_build(sample_wasm output)
juno_read_module_config(satellite sat)
juno_expect_json("${sat}" jx5yt-yyaaa-aaaal-abzbq-cai canister_id)
# A new juno.config.mjs, which Juno's CLI reads before the JSON, takes over at the next build.
file(WRITE "${project}/juno.config.mjs" "export default { satellite: { id: 'em77e-bvlzu-aq' } };\n")
juno_build(sample_wasm output)
juno_read_module_config(satellite sat)
juno_expect_json("${sat}" em77e-bvlzu-aq canister_id)
string(REGEX REPLACE "[ \t\r\n]+" " " output "${output}")  # CMake wraps long messages
if(NOT output MATCHES "juno.config.mjs and [^ ]*/juno.config.json both exist")
  juno_fail("no warning about the two configs:\n${output}")
endif()
# And removing it goes back to the JSON.
file(REMOVE "${project}/juno.config.mjs")
juno_build(sample_wasm output)
juno_read_module_config(satellite sat)
juno_expect_json("${sat}" jx5yt-yyaaa-aaaal-abzbq-cai canister_id)
