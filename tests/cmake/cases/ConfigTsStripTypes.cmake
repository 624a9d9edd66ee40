# juno.config.ts without Juno's loader, read by Node.js's own type stripping (22.6 or newer).
set(project "${CMAKE_BINARY_DIR}/juno-project")
file(CONFIGURE OUTPUT "${project}/juno.config.ts" @ONLY CONTENT [[
import { defineConfig } from '@junobuild/config';

type Mode = 'production' | 'development';
const ids: Record<Mode, string> = {
  production: 'ryjl3-tyaaa-aaaaa-aaaba-cai',
  development: 'jx5yt-yyaaa-aaaal-abzbq-cai'
};
export default defineConfig(({ mode }: { mode: string }) => ({ satellite: { id: ids[mode as Mode] } }));
]])
set(JUNO_NODE "${JUNO_TEST_TS_NODE}" CACHE FILEPATH "" FORCE)
set(JUNO_CONFIG "${project}" CACHE FILEPATH "" FORCE)
juno_add_module(satellite KIND satellite)
