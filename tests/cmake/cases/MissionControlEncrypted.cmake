# A store Juno's CLI encrypted (conf writes an IV, a colon and the ciphertext): not readable.
set(ENV{XDG_CONFIG_HOME} "${CMAKE_BINARY_DIR}/xdg")
file(CONFIGURE OUTPUT "${CMAKE_BINARY_DIR}/xdg/juno-nodejs/config.json" @ONLY CONTENT
     "3f1a9c0e5b7d2e4f6a8c0b1d3e5f7a9c:CIPHERSTANDINqJ8xv0Lr2Nw==\n")
juno_add_module(mission KIND mission_control)
