# Canister ids from a Juno project's config, found and read as Juno's CLI does.
#
# Juno's CLI (@junobuild/config-loader) takes the first of juno.config.ts, .js, .mjs, .cjs, the
# legacy juno.json, then juno.config.json in its working directory. A JSON config is read here
# directly; a TypeScript or JavaScript one is evaluated with Node.js by _JunoConfigEval.mjs, which
# prints the resolved config (a function config is called with {mode}) as JSON. The id is then
# <section>.ids.<mode>, else <section>.id, else the deprecated satellite.satelliteId.
include_guard(GLOBAL)

# Functions run in their caller's directory scope (add_subdirectory users), so where the script
# lives is kept globally.
set_property(GLOBAL PROPERTY _JUNO_CONFIG_EVAL_SCRIPT "${CMAKE_CURRENT_LIST_DIR}/_JunoConfigEval.mjs")

# _juno_config_file(<out_var>): the config file juno_add_module reads ids from, or "" when there
# is none. JUNO_CONFIG may name a file (used as named) or a folder to look in (default: the
# top-level source directory). Every candidate is a configure dependency, so adding, editing or
# removing one re-runs CMake.
function(_juno_config_file out_var)
  # Found (and warned about) once per configure and JUNO_CONFIG value.
  string(MD5 key "${JUNO_CONFIG}")
  get_property(done GLOBAL PROPERTY _JUNO_CONFIG_FILE_${key} SET)
  if(done)
    get_property(file GLOBAL PROPERTY _JUNO_CONFIG_FILE_${key})
    set(${out_var} "${file}" PARENT_SCOPE)
    return()
  endif()

  set(named "")
  if(JUNO_CONFIG STREQUAL "")
    set(dir "${CMAKE_SOURCE_DIR}")
  else()
    get_filename_component(path "${JUNO_CONFIG}" ABSOLUTE BASE_DIR "${CMAKE_SOURCE_DIR}")
    if(IS_DIRECTORY "${path}")
      set(dir "${path}")
    elseif(EXISTS "${path}")
      set(named "${path}")
      get_filename_component(dir "${path}" DIRECTORY)
    else()
      message(FATAL_ERROR
        "juno_add_module: JUNO_CONFIG is '${JUNO_CONFIG}', which does not exist. Point it at your "
        "Juno config (juno.config.ts, .js, .mjs, .cjs, juno.json or juno.config.json) or at the "
        "folder that holds it, or clear it to use the top-level source directory's.")
    endif()
  endif()

  # Juno's CLI's order.
  set(names juno.config.ts juno.config.js juno.config.mjs juno.config.cjs juno.json juno.config.json)
  set(patterns "")
  foreach(candidate IN LISTS names)
    list(APPEND patterns "${dir}/${candidate}")
  endforeach()
  # Literal names, not wildcards: the glob is re-checked at every build, so creating or deleting a
  # config re-runs CMake without reacting to unrelated files.
  file(GLOB unused CONFIGURE_DEPENDS ${patterns})
  set(present "")
  foreach(candidate IN LISTS names)
    if(EXISTS "${dir}/${candidate}" AND NOT IS_DIRECTORY "${dir}/${candidate}")
      list(APPEND present "${dir}/${candidate}")
    endif()
  endforeach()

  set(file "")
  if(present)
    list(GET present 0 file)
  endif()
  if(named)
    if(file AND NOT file STREQUAL named)
      message(WARNING
        "juno_add_module: JUNO_CONFIG names ${named}, but Juno's CLI, run in ${dir}, reads "
        "${file}. Canister ids come from ${named}, as JUNO_CONFIG says; if that is not the config "
        "your Juno CLI uses, clear JUNO_CONFIG or remove the stale file.")
    endif()
    set(file "${named}")
  else()
    list(LENGTH present count)
    if(count GREATER 1)
      list(REMOVE_AT present 0)
      string(REPLACE ";" ", " ignored "${present}")
      message(WARNING
        "juno_add_module: Juno configs ${file} and ${ignored} both exist. Canister ids come from "
        "${file}, the one Juno's CLI reads first; remove the other one(s) so both tools agree.")
    endif()
  endif()
  if(file)
    set_property(DIRECTORY "${CMAKE_SOURCE_DIR}" APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${file}")
  endif()
  set_property(GLOBAL PROPERTY _JUNO_CONFIG_FILE_${key} "${file}")
  set(${out_var} "${file}" PARENT_SCOPE)
endfunction()

# _juno_config_node_flags(<node> <out_var>): the flags <node> needs to import a .ts file itself
# (type stripping is behind a flag from Node.js 22.6 and on by default from 23.6).
function(_juno_config_node_flags node out_var)
  execute_process(COMMAND "${node}" --version OUTPUT_VARIABLE version RESULT_VARIABLE result
                  OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  string(REGEX REPLACE "^v" "" version "${version}")
  set(flags "")
  if(result EQUAL 0 AND version VERSION_GREATER_EQUAL 22.6 AND version VERSION_LESS 23.6)
    set(flags --experimental-strip-types)
  endif()
  set(${out_var} "${flags}" PARENT_SCOPE)
endfunction()

# _juno_evaluate_config(<file> <mode> <out_var>): the config a .ts/.js/.mjs/.cjs file exports,
# resolved for <mode>, as JSON.
function(_juno_evaluate_config file mode out_var)
  string(CONCAT fixes
    "Install Node.js 22.6 or newer (it reads TypeScript itself) and set JUNO_NODE to it if it is "
    "not on PATH; or add Juno's loader to the project: npm i -D @junobuild/config-loader "
    "@junobuild/config @babel/core @babel/preset-typescript @babel/plugin-transform-modules-commonjs; "
    "or pass CANISTER_ID to juno_add_module; or point JUNO_CONFIG at a juno.config.json.")
  if(NOT JUNO_NODE)
    find_program(JUNO_NODE NAMES node nodejs
                 DOC "Node.js that evaluates juno.config.ts/.js/.mjs/.cjs (empty: node on PATH)")
  endif()
  if(NOT JUNO_NODE)
    message(FATAL_ERROR
      "juno_add_module: ${file} is code, which CMake reads by running it with Node.js, and no "
      "Node.js was found (JUNO_NODE). ${fixes}")
  elseif(NOT EXISTS "${JUNO_NODE}")
    message(FATAL_ERROR
      "juno_add_module: JUNO_NODE is '${JUNO_NODE}', which does not exist, so ${file} cannot be "
      "read. Point JUNO_NODE at a Node.js (22.6 or newer reads TypeScript), or clear it to use "
      "node on PATH.")
  endif()
  _juno_config_node_flags("${JUNO_NODE}" flags)
  get_filename_component(dir "${file}" DIRECTORY)
  get_property(script GLOBAL PROPERTY _JUNO_CONFIG_EVAL_SCRIPT)
  execute_process(
    COMMAND "${JUNO_NODE}" ${flags} "${script}" "${file}" "${mode}"
    WORKING_DIRECTORY "${dir}"
    RESULT_VARIABLE result OUTPUT_VARIABLE json ERROR_VARIABLE problem TIMEOUT 120)
  string(STRIP "${problem}" problem)
  if(result EQUAL 3)
    message(FATAL_ERROR
      "juno_add_module: cannot read ${file}: ${problem}, and the project has no "
      "@junobuild/config-loader in node_modules (looked from ${dir} upward). ${fixes}")
  elseif(NOT result EQUAL 0)
    message(FATAL_ERROR
      "juno_add_module: evaluating ${file} with ${JUNO_NODE} failed (${result}):\n${problem}\n"
      "Fix the config so that `juno` accepts it, or pass CANISTER_ID to juno_add_module, or "
      "point JUNO_CONFIG at a juno.config.json.")
  endif()
  string(JSON config ERROR_VARIABLE problem GET "${json}" config)
  if(problem)
    message(FATAL_ERROR
      "juno_add_module: evaluating ${file} printed no config (${problem}). Output was:\n${json}")
  endif()
  string(JSON via GET "${json}" via)
  message(VERBOSE "Juno: read ${file} for mode ${mode} with ${via}")
  set(${out_var} "${config}" PARENT_SCOPE)
endfunction()

# _juno_read_config(<file> <mode> <out_var>): the config as JSON, evaluated once per configure.
function(_juno_read_config file mode out_var)
  string(MD5 key "${file};${mode}")
  get_property(done GLOBAL PROPERTY _JUNO_CONFIG_${key} SET)
  if(NOT done)
    if(file MATCHES "\\.json$")
      file(READ "${file}" json)
      string(JSON type ERROR_VARIABLE problem TYPE "${json}")
      if(problem)
        message(FATAL_ERROR
          "juno_add_module: ${file} is not valid JSON (${problem}). Fix the file, or pass "
          "CANISTER_ID to juno_add_module.")
      endif()
    else()
      _juno_evaluate_config("${file}" "${mode}" json)
    endif()
    set_property(GLOBAL PROPERTY _JUNO_CONFIG_${key} "${json}")
  endif()
  get_property(json GLOBAL PROPERTY _JUNO_CONFIG_${key})
  set(${out_var} "${json}" PARENT_SCOPE)
endfunction()

# _juno_id_from_config(<file> <section> <mode> <out_var>): the id Juno's CLI takes for <section>
# (satellite or orbiter) in <mode>, or "".
function(_juno_id_from_config config_file section mode out_var)
  set(${out_var} "" PARENT_SCOPE)
  if(config_file STREQUAL "")
    return()
  endif()
  _juno_read_config("${config_file}" "${mode}" json)
  # Juno: ids?.[mode] ?? id ?? satelliteId; a null or absent entry falls through to the next.
  set(id "")
  foreach(keys IN ITEMS "ids|${mode}" id satelliteId)
    if(keys STREQUAL "satelliteId" AND NOT section STREQUAL "satellite")
      break()
    endif()
    string(REPLACE "|" ";" keys "${keys}")
    string(JSON type ERROR_VARIABLE problem TYPE "${json}" ${section} ${keys})
    if(NOT problem AND NOT type STREQUAL "NULL")
      string(JSON id GET "${json}" ${section} ${keys})
      break()
    endif()
  endforeach()
  set(${out_var} "${id}" PARENT_SCOPE)
endfunction()
