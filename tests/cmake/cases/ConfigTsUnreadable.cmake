# juno.config.ts with neither Juno's loader in node_modules nor a Node.js that strips types (the
# Node.js here is wrapped so that it has no type stripping, whatever its version).
set(project "${CMAKE_BINARY_DIR}/juno-project")
file(CONFIGURE OUTPUT "${project}/juno.config.ts" @ONLY CONTENT [[
export default { satellite: { id: 'ryjl3-tyaaa-aaaaa-aaaba-cai' as string } };
]])
set(real_node "${JUNO_NODE}")
file(CONFIGURE OUTPUT "${CMAKE_BINARY_DIR}/node-without-ts/node" @ONLY CONTENT [[#!/bin/sh
if "@real_node@" --no-experimental-strip-types -e 0 2>/dev/null; then
  exec "@real_node@" --no-experimental-strip-types "$@"
fi
exec "@real_node@" "$@"
]])
file(CHMOD "${CMAKE_BINARY_DIR}/node-without-ts/node" PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE)
set(JUNO_NODE "${CMAKE_BINARY_DIR}/node-without-ts/node" CACHE FILEPATH "" FORCE)
set(JUNO_CONFIG "${project}" CACHE FILEPATH "" FORCE)
juno_add_module(satellite KIND satellite)
