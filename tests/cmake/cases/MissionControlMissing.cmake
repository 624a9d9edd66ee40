# No `juno login` for this mode: the error says where the id was looked for and how to pass it.
set(ENV{XDG_CONFIG_HOME} "${CMAKE_BINARY_DIR}/xdg")
juno_add_module(mission KIND mission_control)
