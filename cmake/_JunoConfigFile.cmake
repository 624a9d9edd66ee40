# Reads canister ids from a Juno project's juno.config.json, as Juno's CLI does:
# <section>.ids.<mode>, then <section>.id (and the deprecated satellite.satelliteId).
include_guard(GLOBAL)

function(_juno_id_from_config config_file section mode out_var)
  set(${out_var} "" PARENT_SCOPE)
  if(NOT EXISTS "${config_file}")
    return()
  endif()
  file(READ "${config_file}" json)
  string(JSON type ERROR_VARIABLE problem TYPE "${json}")
  if(problem)
    message(FATAL_ERROR
      "juno_add_module: ${config_file} is not valid JSON (${problem}). Fix the file, or point "
      "JUNO_CONFIG at a juno.config.json (juno.config.ts and .js are not read by CMake).")
  endif()
  string(JSON id ERROR_VARIABLE problem GET "${json}" ${section} ids ${mode})
  if(problem OR id STREQUAL "")
    string(JSON id ERROR_VARIABLE problem GET "${json}" ${section} id)
  endif()
  if((problem OR id STREQUAL "") AND section STREQUAL "satellite")
    string(JSON id ERROR_VARIABLE problem GET "${json}" satellite satelliteId)
  endif()
  if(NOT problem)
    set(${out_var} "${id}" PARENT_SCOPE)
  endif()
endfunction()
