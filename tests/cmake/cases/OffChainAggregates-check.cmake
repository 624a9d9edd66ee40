# The off-chain aggregates are one helper run over every module, as the others, told that each
# module's folder is its sub-folder of a parent (--every-module refuses one folder for all).
juno_expect_aggregate_command(juno_backup_download "download --every-module" satellite analytics)
juno_expect_aggregate_command(juno_backup_upload "upload --every-module" satellite analytics)
juno_expect_aggregate_command(juno_restore_from "restore --from-environment --every-module"
                              satellite analytics)
juno_target_edges(edges)
foreach(action backup_download backup_upload restore_from)
  juno_expect_helper_edge(edges juno_${action})
  juno_expect_no_edge(edges juno_${action} juno_${action}_satellite)
endforeach()
# The per-module targets keep their commands: no --every-module.
juno_expect_aggregate_command(juno_backup_download_satellite "download" satellite)
file(GLOB_RECURSE files "${BUILD_DIR}/build*.ninja" "${BUILD_DIR}/CMakeFiles/*.ninja"
     "${BUILD_DIR}/CMakeFiles/juno_backup_download_satellite.dir/build.make")
foreach(file IN LISTS files)
  file(STRINGS "${file}" lines REGEX "download --every-module --config [^ ]*satellite[.]json\"?$")
  if(lines)
    juno_fail("a one-module download runs with --every-module: ${lines}")
  endif()
endforeach()
