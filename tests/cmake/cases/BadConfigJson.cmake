file(WRITE "${CMAKE_BINARY_DIR}/juno.config.json" "{ \"satellite\": ")
set(JUNO_CONFIG "${CMAKE_BINARY_DIR}/juno.config.json")
juno_add_module(satellite KIND satellite)
