# Each module's STATUS line, exactly; its VERBOSE line only at --log-level=VERBOSE; none of them
# at --log-level=NOTICE.
get_filename_component(project_dir "${CMAKE_CURRENT_LIST_DIR}/../project" ABSOLUTE)
set(expected
  "-- Juno module site: satellite ryjl3-tyaaa-aaaaa-aaaba-cai from CANISTER_ID, network local (http://127.0.0.1:5987), mode staging, identity file ${BUILD_DIR}/controller.pem"
  "-- Juno module deployer: canister jx5yt-yyaaa-aaaal-abzbq-cai from CANISTER_ID, network https://replica.example, mode staging, identity name ci-deployer (icp or dfx identity)"
  "-- Juno module analytics: orbiter em77e-bvlzu-aq from ${BUILD_DIR}/juno-project/juno.config.mjs, network ic (https://icp-api.io), mode staging, identity none (JUNO_TOKEN from the build's environment, else anonymous)")

function(_juno_summary_lines output out_var)
  string(REGEX MATCHALL "-- Juno module [^\n]*" lines "${output}")
  set(${out_var} "${lines}" PARENT_SCOPE)
endfunction()

_juno_summary_lines("${stdout}" actual)
if(NOT actual STREQUAL expected)
  string(REPLACE ";" "\n    " expected_text "${expected}")
  string(REPLACE ";" "\n    " actual_text "${actual}")
  juno_fail("summary lines differ; expected:\n    ${expected_text}\n  actual:\n    ${actual_text}")
endif()

execute_process(COMMAND "${CMAKE_COMMAND}" --log-level=NOTICE .
                WORKING_DIRECTORY "${BUILD_DIR}" RESULT_VARIABLE result OUTPUT_VARIABLE quiet
                ERROR_VARIABLE quiet)
_juno_summary_lines("${quiet}" actual)
if(NOT result EQUAL 0 OR actual)
  juno_fail("--log-level=NOTICE still printed the summary (or failed):\n${quiet}")
endif()

execute_process(COMMAND "${CMAKE_COMMAND}" --log-level=VERBOSE .
                WORKING_DIRECTORY "${BUILD_DIR}" RESULT_VARIABLE result OUTPUT_VARIABLE verbose
                ERROR_VARIABLE verbose)
set(detail
  "-- Juno module site: Wasm ${BUILD_DIR}/site.wasm.gz, install argument ${project_dir}/CMakeLists.txt, module config ${BUILD_DIR}/juno/site.json"
  "-- Juno module deployer: Wasm none (juno_upgrade_deployer needs WASM), install argument none, module config ${BUILD_DIR}/juno/deployer.json")
_juno_summary_lines("${verbose}" actual)
foreach(line IN LISTS expected detail)
  if(NOT line IN_LIST actual)
    juno_fail("--log-level=VERBOSE did not print\n    ${line}\n  in:\n${verbose}")
  endif()
endforeach()
