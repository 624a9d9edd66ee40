# Mission Control's id as Juno's CLI saved it at `juno login`. The CLI keeps it, with its own
# key, in a `conf` store: config.json in env-paths' config folder of the project
# `juno[-<profile>][-<mode>]` with the suffix `-nodejs` (the mode is left out for production
# without a profile, as the CLI did before it had modes). Only the `missionControl` field is read;
# the store's other fields (the CLI's key) are never copied or printed.
include_guard(GLOBAL)

# _juno_cli_store_path(<mode> <profile> <out_var>): where Juno's CLI keeps its store.
function(_juno_cli_store_path mode profile out_var)
  set(project "juno")
  if(NOT profile STREQUAL "")
    string(APPEND project "-${profile}")
  endif()
  if(NOT mode STREQUAL "" AND (NOT mode STREQUAL "production" OR NOT profile STREQUAL ""))
    string(APPEND project "-${mode}")
  endif()
  string(APPEND project "-nodejs")
  # env-paths' `config` folder on each system.
  if(WIN32)
    set(base "$ENV{APPDATA}")
    if(base STREQUAL "")
      set(base "$ENV{USERPROFILE}/AppData/Roaming")
    endif()
    set(folder "${base}/${project}/Config")
  elseif(APPLE)
    set(folder "$ENV{HOME}/Library/Preferences/${project}")
  else()
    set(base "$ENV{XDG_CONFIG_HOME}")
    if(base STREQUAL "")
      set(base "$ENV{HOME}/.config")
    endif()
    set(folder "${base}/${project}")
  endif()
  file(TO_CMAKE_PATH "${folder}/config.json" path)
  set(${out_var} "${path}" PARENT_SCOPE)
endfunction()

# _juno_mission_control_id(<module> <mode> <profile> <out_id> <out_source>): the id from the
# store, or a FATAL_ERROR that says why there is none and how to pass it.
function(_juno_mission_control_id module mode profile out_id out_source)
  _juno_cli_store_path("${mode}" "${profile}" store)
  string(CONCAT how
    "Pass CANISTER_ID <principal> to juno_add_module(${module}) (the Juno Console shows Mission "
    "Control's id), or log in with Juno's CLI for this mode and profile (JUNO_MODE, "
    "JUNO_PROFILE) without encrypting its config.")
  if(NOT EXISTS "${store}")
    message(FATAL_ERROR
      "juno_add_module(${module}): KIND mission_control without CANISTER_ID takes the id Juno's "
      "CLI saved at login, and there is no ${store} (mode ${mode}). ${how}")
  endif()
  set_property(DIRECTORY "${CMAKE_SOURCE_DIR}" APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${store}")
  file(READ "${store}" json)
  string(JSON type ERROR_VARIABLE problem TYPE "${json}")
  if(problem OR NOT type STREQUAL "OBJECT")
    # conf writes an encrypted store as binary; its content is not shown.
    message(FATAL_ERROR
      "juno_add_module(${module}): ${store}, where Juno's CLI saved Mission Control's id, is "
      "encrypted (or not JSON), so CMake cannot read it. ${how}")
  endif()
  string(JSON id ERROR_VARIABLE problem GET "${json}" missionControl)
  if(problem OR id STREQUAL "")
    message(FATAL_ERROR
      "juno_add_module(${module}): ${store} holds no Mission Control id (Juno's CLI saves none "
      "when its access key does not manage Mission Control). ${how}")
  endif()
  set(${out_id} "${id}" PARENT_SCOPE)
  set(${out_source} "Juno CLI login ${store}" PARENT_SCOPE)
endfunction()
