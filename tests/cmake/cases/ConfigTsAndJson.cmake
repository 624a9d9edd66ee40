# A juno.config.ts next to a stale juno.config.json: Juno's CLI reads the .ts, so must CMake.
set(project "${CMAKE_BINARY_DIR}/juno-project")
file(CONFIGURE OUTPUT "${project}/juno.config.ts" @ONLY CONTENT [[
import { defineConfig } from '@junobuild/config';

const production: string = 'ryjl3-tyaaa-aaaaa-aaaba-cai';
export default defineConfig({ satellite: { ids: { production }, source: 'dist' } });
]])
file(CONFIGURE OUTPUT "${project}/juno.config.json" @ONLY CONTENT [[
{ "satellite": { "ids": { "production": "jx5yt-yyaaa-aaaal-abzbq-cai" } } }
]])
file(CREATE_LINK "${JUNO_SOURCE_DIR}/tests/cmake/node_modules" "${project}/node_modules" SYMBOLIC)
set(JUNO_CONFIG "${project}" CACHE FILEPATH "" FORCE)
juno_add_module(satellite KIND satellite)
