# Mission Control's id as `juno login` saved it, per mode and profile, in a store of its own
# (XDG_CONFIG_HOME points into the build tree; the token is a stand-in, not a key).
set(ENV{XDG_CONFIG_HOME} "${CMAKE_BINARY_DIR}/xdg")
file(CONFIGURE OUTPUT "${CMAKE_BINARY_DIR}/xdg/juno-nodejs/config.json" @ONLY CONTENT [[
{"token":["TOKENPUBLICSTANDIN","TOKENSECRETSTANDIN"],"satellites":[],"missionControl":"ryjl3-tyaaa-aaaaa-aaaba-cai"}
]])
file(CONFIGURE OUTPUT "${CMAKE_BINARY_DIR}/xdg/juno-development-nodejs/config.json" @ONLY CONTENT [[
{"token":["TOKENPUBLICSTANDIN","TOKENSECRETSTANDIN"],"satellites":[],"missionControl":"jx5yt-yyaaa-aaaal-abzbq-cai"}
]])
file(CONFIGURE OUTPUT "${CMAKE_BINARY_DIR}/xdg/juno-team-production-nodejs/config.json" @ONLY CONTENT [[
{"token":["TOKENPUBLICSTANDIN","TOKENSECRETSTANDIN"],"satellites":[],"missionControl":"em77e-bvlzu-aq"}
]])
juno_add_module(mission KIND mission_control)
