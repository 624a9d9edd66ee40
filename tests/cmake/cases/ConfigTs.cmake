# A Juno project with only juno.config.ts, read with Juno's own loader from its node_modules: a
# function of {mode}, with TypeScript types and a bigint, as `juno init` writes them.
set(project "${CMAKE_BINARY_DIR}/juno-project")
file(CONFIGURE OUTPUT "${project}/juno.config.ts" @ONLY CONTENT [[
import { defineConfig } from '@junobuild/config';

const ids: Record<string, string> = {
  development: 'jx5yt-yyaaa-aaaal-abzbq-cai',
  production: 'ryjl3-tyaaa-aaaaa-aaaba-cai'
};

export default defineConfig(({ mode }) => ({
  satellite: { ids: { [mode]: ids[mode] }, source: 'dist', settings: { heapMemoryLimit: 1_000_000n } },
  orbiter: { id: 'em77e-bvlzu-aq' }
}));
]])
file(CREATE_LINK "${JUNO_SOURCE_DIR}/tests/cmake/node_modules" "${project}/node_modules" SYMBOLIC)
set(JUNO_CONFIG "${project}" CACHE FILEPATH "" FORCE)
juno_add_module(satellite KIND satellite)
juno_add_module(analytics KIND orbiter)
