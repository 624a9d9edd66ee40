# juno.config.js in ESM syntax without a package.json, as Juno's CLI accepts it.
set(project "${CMAKE_BINARY_DIR}/juno-project")
file(CONFIGURE OUTPUT "${project}/juno.config.js" @ONLY CONTENT [[
import { defineConfig } from "@junobuild/config";

export default defineConfig({
  satellite: { ids: { production: "ryjl3-tyaaa-aaaaa-aaaba-cai" }, source: "build" },
  orbiter: { ids: { production: "em77e-bvlzu-aq" } }
});
]])
set(JUNO_CONFIG "${project}" CACHE FILEPATH "" FORCE)
juno_add_module(satellite KIND satellite)
juno_add_module(analytics KIND orbiter)
