# What a module's "identity" field holds: the absolute path of a PEM file, or the bare name of an
# identity that the helper looks up in icp's and dfx's identity stores (e.g. `default`).
include_guard(GLOBAL)

# _juno_refuse_key_material(<module> <value> <base_dir> <origin>): a FATAL_ERROR when <value>
# is a pasted key instead of a file's path or an identity's name; the key is never echoed.
# <origin> says where the value came from (`JUNO_IDENTITY` or `IDENTITY`); a JUNO_IDENTITY that
# holds key material is also emptied in the cache, so that it does not stay there.
function(_juno_refuse_key_material module value base_dir origin)
  # Identity names and paths never hold a PEM header; a long run of base64 (or hex) characters
  # that is no existing file is a key.
  string(LENGTH "${value}" length)
  get_filename_component(path "${value}" ABSOLUTE BASE_DIR "${base_dir}")
  if(value MATCHES "-----BEGIN" OR value MATCHES "PRIVATE KEY" OR
     (length GREATER_EQUAL 40 AND value MATCHES "^[A-Za-z0-9+/=\r\n]+$" AND NOT EXISTS "${path}"))
    if(origin STREQUAL "JUNO_IDENTITY")
      set_property(CACHE JUNO_IDENTITY PROPERTY VALUE "")
      set(where "It has been removed from the CMake cache.")
    else()
      set(where "Remove it from the juno_add_module(${module}) call.")
    endif()
    message(FATAL_ERROR
      "juno_add_module(${module}): ${origin} holds key material, not the path or name of an "
      "identity; it is not used and not shown. ${where} Save the key in a PEM file outside the "
      "source tree and set ${origin} to that file's path, or to an identity name such as "
      "`default` (icp identity list, dfx identity list).")
  endif()
endfunction()

# _juno_identity(<module> <value> <base_dir> <origin> <out_var>): <value> as the module config
# stores it: an absolute path, or a name.
function(_juno_identity module value base_dir origin out_var)
  set(${out_var} "" PARENT_SCOPE)
  if(value STREQUAL "")
    return()
  endif()
  _juno_refuse_key_material(${module} "${value}" "${base_dir}" ${origin})
  get_filename_component(path "${value}" ABSOLUTE BASE_DIR "${base_dir}")

  if(value MATCHES "[/\\\\]" OR value MATCHES "\\.pem$")
    if(NOT EXISTS "${path}" OR IS_DIRECTORY "${path}")
      message(FATAL_ERROR
        "juno_add_module(${module}): ${origin} is '${value}', and there is no file ${path}. Set "
        "${origin} to the PEM file of one of the module's controllers (icp identity export "
        "<name> > key.pem), or to an identity name such as `default`.")
    endif()
    set(${out_var} "${path}" PARENT_SCOPE)
  elseif(EXISTS "${path}" AND NOT IS_DIRECTORY "${path}")
    # A file of that name next to the CMakeLists.txt is what the user meant.
    set(${out_var} "${path}" PARENT_SCOPE)
  elseif(value MATCHES "^[A-Za-z0-9._@-]+$")
    set(${out_var} "${value}" PARENT_SCOPE)
  else()
    message(FATAL_ERROR
      "juno_add_module(${module}): ${origin} is '${value}', which is neither a file nor an "
      "identity name (names use letters, digits, '.', '_', '-' and '@'). Set ${origin} to a PEM "
      "file's path or to an identity name such as `default`.")
  endif()
endfunction()
