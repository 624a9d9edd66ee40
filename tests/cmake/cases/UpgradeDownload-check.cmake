# JUNO_UPGRADE_DOWNLOAD: each upgrade target copies the newest backup into
# <build>/juno/restore-points/<name>/<backup id> before it installs, and the upgrade's restore
# point after, in one target, so that a failed copy stops the install; the backup step stays a
# dependency.
file(GLOB_RECURSE files "${BUILD_DIR}/build*.ninja" "${BUILD_DIR}/CMakeFiles/*.ninja"
     "${BUILD_DIR}/CMakeFiles/juno_upgrade*.dir/build.make")
set(rules "")
foreach(file IN LISTS files)
  file(READ "${file}" content)
  string(APPEND rules "${content}")
endforeach()
set(dir "\"?${BUILD_DIR}/juno/restore-points\"?")
set(config "--config \"?[^ \n\"]*/satellite[.]json\"?")
set(both "--config \"?[^ \n\"]*/satellite[.]json\"? --config \"?[^ \n\"]*/analytics[.]json\"?")
foreach(who "${config}" "${both}")
  set(before "download --before-upgrade --parent-dir ${dir} ${who}")
  set(after "download --after-upgrade --parent-dir ${dir} ${who}")
  if(NOT rules MATCHES "${before}[^\n]*(\n[^\n]*)?upgrade ${who}[^\n]*(\n[^\n]*)?${after}")
    juno_fail("no download --before-upgrade, upgrade, download --after-upgrade for ${who}")
  endif()
endforeach()
juno_target_edges(edges)
juno_expect_edge(edges juno_upgrade_satellite juno_backup_satellite)
juno_expect_edge(edges juno_upgrade juno_backup)
# Turned off again, the upgrade is the upgrade alone.
juno_reconfigure(-DJUNO_UPGRADE_DOWNLOAD=OFF)
file(GLOB_RECURSE files "${BUILD_DIR}/build*.ninja" "${BUILD_DIR}/CMakeFiles/*.ninja"
     "${BUILD_DIR}/CMakeFiles/juno_upgrade*.dir/build.make")
foreach(file IN LISTS files)
  file(STRINGS "${file}" lines REGEX "before-upgrade")
  if(lines)
    juno_fail("JUNO_UPGRADE_DOWNLOAD=OFF still copies: ${lines}")
  endif()
endforeach()
