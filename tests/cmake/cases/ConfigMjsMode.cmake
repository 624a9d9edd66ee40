# juno.config.mjs exporting a function of {mode}, read by Node.js itself (no node_modules: the
# `@junobuild/config` import is answered as Juno's loader answers it).
set(project "${CMAKE_BINARY_DIR}/juno-project")
file(CONFIGURE OUTPUT "${project}/juno.config.mjs" @ONLY CONTENT [[
import { defineConfig } from '@junobuild/config';

export default defineConfig(({ mode }) => ({
  satellite: {
    ids: mode === 'development' ? { development: 'jx5yt-yyaaa-aaaal-abzbq-cai' } : {},
    id: 'ryjl3-tyaaa-aaaaa-aaaba-cai'
  }
}));
]])
set(JUNO_CONFIG "${project}" CACHE FILEPATH "" FORCE)
juno_add_module(satellite KIND satellite)
