file(WRITE "${CMAKE_BINARY_DIR}/juno.config.json" [[{
  "satellite": { "ids": { "development": "jx5yt-yyaaa-aaaal-abzbq-cai", "production": "RYJL3-TYAAA-AAAAA-AAABA-CAI" } },
  "orbiter": { "id": "em77e-bvlzu-aq" }
}]])
set(JUNO_CONFIG "${CMAKE_BINARY_DIR}/juno.config.json" CACHE FILEPATH "" FORCE)
juno_add_module(satellite KIND satellite)
juno_add_module(analytics KIND orbiter)
