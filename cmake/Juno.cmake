#[=======================================================================[.rst:
Juno
----

Back up, restore and upgrade Internet Computer canisters (Juno Satellites, Mission Control,
Orbiters, or any canister) from a CMake build.

.. code-block:: cmake

  find_package(Juno CONFIG REQUIRED)        # or add_subdirectory / FetchContent
  juno_add_module(satellite KIND satellite WASM $<TARGET_FILE:my_satellite>)

Then ``cmake --build build --target juno_upgrade`` backs the module up and upgrades it, and
``cmake --build build --target juno_help`` lists every target. Configure prints one ``STATUS``
line per module (kind, canister id and where it came from, network, mode, identity's file or
name) and, at ``--log-level=VERBOSE``, its Wasm and module config. Added by FetchContent with
``FIND_PACKAGE_ARGS`` or ``OVERRIDE_FIND_PACKAGE`` (CMake 3.24+), a later ``find_package(Juno
<version>)`` gets the embedded copy's version, by the installed package's rule.

Cache options
^^^^^^^^^^^^^

``JUNO_UPGRADE_BACKUP`` (``ON``)
  ``juno_upgrade`` depends on ``juno_backup``, so every upgrade is preceded by a backup.
``JUNO_UPGRADE_DOWNLOAD`` (``OFF``)
  Every upgrade's restore point is copied off-chain, into
  ``JUNO_UPGRADE_DOWNLOAD_DIR/<name>/<backup id>`` (default ``<build>/juno/restore-points``),
  after the install; a copy that failed is made before the next install, which does not happen
  while it cannot be made. Needs ``JUNO_UPGRADE_BACKUP``.
``JUNO_BACKUP_OVERWRITE`` (``ON``)
  A module that already holds ``JUNO_BACKUP_KEEP`` backups replaces its oldest one. ``OFF``:
  existing backups are never overwritten; no new backup is taken and the old one is kept.
``JUNO_BACKUP_KEEP`` (``1``)
  How many backups a module keeps, 1 to 10 (the IC allows 10 snapshots per canister).
``JUNO_NETWORK`` (``ic``)
  ``ic``, ``local`` (``http://127.0.0.1:5987``) or a URL.
``JUNO_IDENTITY``
  A controller's identity: the path of its PEM file (relative to the top-level source directory),
  or the name of an ``icp`` or ``dfx`` identity such as ``default``, which the helper looks up in
  their identity stores. Only the path or name is stored; a value that holds key material (a PEM
  text, a base64 key) is refused and removed from the cache.
``JUNO_CONFIG``
  The Juno config to read canister ids from, or the folder to look for it in (default: the
  top-level source directory). In a folder, the first of ``juno.config.ts``, ``.js``, ``.mjs``,
  ``.cjs``, ``juno.json`` and ``juno.config.json`` is read, as Juno's CLI reads it; a warning names
  the others when more than one exists. Editing, adding or removing the config re-runs CMake.
``JUNO_MODE`` (``production``)
  Juno's ``--mode``: which of ``<kind>.ids`` to use, and the ``mode`` a function config
  (``defineConfig(({mode}) => ...)``) is called with.
``JUNO_PROFILE``
  Juno's ``--profile``. A ``KIND mission_control`` module without ``CANISTER_ID`` takes the id
  that ``juno login`` saved for ``JUNO_MODE`` and this profile, when that store is not encrypted.
``JUNO_NODE``
  The Node.js that evaluates a TypeScript or JavaScript config (default: ``node`` on ``PATH``,
  searched only when such a config is read). It uses the project's own
  ``@junobuild/config-loader`` when ``node_modules`` (from the config's folder upward) holds it,
  else reads the file itself: ``.js``, ``.mjs`` and ``.cjs`` with any Node.js, ``.ts`` with
  Node.js 22.6 or newer (type stripping).
``JUNO_HELPER_EXECUTABLE``
  A prebuilt ``juno-helper`` to use instead of building one (for packagers).
#]=======================================================================]

include_guard(GLOBAL)
if(CMAKE_VERSION VERSION_LESS 3.22)
  message(FATAL_ERROR "juno-cmake needs CMake 3.22 or newer; this is CMake ${CMAKE_VERSION}.")
endif()
# This file's policies, which its functions keep (CMake records them where a function is
# defined), pushed and popped so that nothing leaks into the caller: cmake_minimum_required here
# would lower the caller's CMAKE_MINIMUM_REQUIRED_VERSION.
cmake_policy(PUSH)
cmake_policy(VERSION 3.22...3.31)

include(${CMAKE_CURRENT_LIST_DIR}/_JunoPrincipal.cmake)
include(${CMAKE_CURRENT_LIST_DIR}/_JunoConfigFile.cmake)
include(${CMAKE_CURRENT_LIST_DIR}/_JunoIdentity.cmake)
include(${CMAKE_CURRENT_LIST_DIR}/_JunoCliStore.cmake)

# Functions run in their caller's scope, so where the template lives is kept globally.
if(EXISTS "${CMAKE_CURRENT_LIST_DIR}/../templates/module.json.in")
  set_property(GLOBAL PROPERTY _JUNO_MODULE_TEMPLATE "${CMAKE_CURRENT_LIST_DIR}/../templates/module.json.in")
else()
  # Installed layout: the template sits beside the modules.
  set_property(GLOBAL PROPERTY _JUNO_MODULE_TEMPLATE "${CMAKE_CURRENT_LIST_DIR}/module.json.in")
endif()

option(JUNO_UPGRADE_BACKUP "juno_upgrade backs every module up first" ON)
option(JUNO_UPGRADE_DOWNLOAD
       "juno_upgrade copies every restore point off-chain, into JUNO_UPGRADE_DOWNLOAD_DIR" OFF)
set(JUNO_UPGRADE_DOWNLOAD_DIR "${CMAKE_BINARY_DIR}/juno/restore-points" CACHE PATH
    "Where JUNO_UPGRADE_DOWNLOAD keeps the copies: <dir>/<module>/<backup id>")
option(JUNO_BACKUP_OVERWRITE "A full module replaces its oldest backup (OFF: never overwrite)" ON)
set(JUNO_BACKUP_KEEP 1 CACHE STRING "How many backups each module keeps (1..10)")
set(JUNO_NETWORK ic CACHE STRING "ic, local (http://127.0.0.1:5987) or a URL")
set(JUNO_IDENTITY "" CACHE STRING
    "A controller's PEM file, or an icp/dfx identity name such as default (never the key itself)")
# A STRING, so that an identity name is not turned into a path; build trees made when it was a
# FILEPATH get the new type.
set_property(CACHE JUNO_IDENTITY PROPERTY TYPE STRING)
set(JUNO_CONFIG "" CACHE FILEPATH
    "Juno config (juno.config.ts/.js/.mjs/.cjs/juno.json/juno.config.json) or its folder")
set(JUNO_MODE production CACHE STRING "Juno's --mode: which ids of the Juno config to use")
set(JUNO_PROFILE "" CACHE STRING "Juno's --profile whose login holds Mission Control's id")
set(JUNO_HELPER_EXECUTABLE "" CACHE FILEPATH "A prebuilt juno-helper to use instead of building one")

# Finds or imports the helper as Juno::helper.
function(_juno_resolve_helper)
  if(TARGET Juno::helper)
    return()
  endif()
  if(JUNO_HELPER_EXECUTABLE)
    if(NOT EXISTS "${JUNO_HELPER_EXECUTABLE}")
      message(FATAL_ERROR
        "juno_add_module: JUNO_HELPER_EXECUTABLE is '${JUNO_HELPER_EXECUTABLE}', which does not "
        "exist. Point it at a built juno-helper, or clear it to build the helper from source.")
    endif()
    add_executable(Juno::helper IMPORTED GLOBAL)
    set_target_properties(Juno::helper PROPERTIES IMPORTED_LOCATION "${JUNO_HELPER_EXECUTABLE}")
  elseif(TARGET juno-helper)
    add_executable(Juno::helper ALIAS juno-helper)
  else()
    message(FATAL_ERROR
      "juno_add_module: no juno-helper is available. Add the plugin with find_package(Juno), "
      "add_subdirectory(<juno-cmake>) or FetchContent, or set JUNO_HELPER_EXECUTABLE.")
  endif()
endfunction()

function(_juno_json_escape value out_var)
  string(REPLACE "\\" "\\\\" value "${value}")
  string(REPLACE "\"" "\\\"" value "${value}")
  string(REPLACE "\n" "\\n" value "${value}")
  set(${out_var} "${value}" PARENT_SCOPE)
endfunction()

function(_juno_validate_options)
  if(NOT JUNO_BACKUP_KEEP MATCHES "^[0-9]+$" OR JUNO_BACKUP_KEEP LESS 1 OR JUNO_BACKUP_KEEP GREATER 10)
    message(FATAL_ERROR
      "juno_add_module: JUNO_BACKUP_KEEP is '${JUNO_BACKUP_KEEP}'; it must be a whole number from "
      "1 to 10 (the IC keeps at most 10 snapshots per canister). Fix it with -DJUNO_BACKUP_KEEP=<n>.")
  endif()
  # The copy is of the backup the backup step makes; without that step there is no restore point.
  if(JUNO_UPGRADE_DOWNLOAD AND NOT JUNO_UPGRADE_BACKUP)
    message(FATAL_ERROR
      "juno_add_module: JUNO_UPGRADE_DOWNLOAD is ON but JUNO_UPGRADE_BACKUP is OFF: an upgrade "
      "without a backup has no restore point to copy off-chain. Set -DJUNO_UPGRADE_BACKUP=ON, or "
      "-DJUNO_UPGRADE_DOWNLOAD=OFF.")
  endif()
  if(JUNO_UPGRADE_DOWNLOAD AND JUNO_UPGRADE_DOWNLOAD_DIR STREQUAL "")
    message(FATAL_ERROR
      "juno_add_module: JUNO_UPGRADE_DOWNLOAD is ON and JUNO_UPGRADE_DOWNLOAD_DIR is empty. Set "
      "-DJUNO_UPGRADE_DOWNLOAD_DIR=<folder> (each module's copies go into <folder>/<name>/).")
  endif()
endfunction()

# A target that runs one helper command on a module. USES_TERMINAL puts it in Ninja's console
# pool, so progress reaches the terminal as it happens.
function(_juno_add_helper_target target command module_config comment)
  add_custom_target(${target}
    COMMAND Juno::helper ${command} --config "${module_config}"
    COMMENT "${comment}"
    USES_TERMINAL VERBATIM)
endfunction()

# One aggregate target over every module, created with the first module: a single helper run
# given every module's config, which runs the command for all of them side by side (in Ninja's
# console pool one target per module would run one after another, and under Make only with -j)
# and labels each module's lines. The configs are the target's JUNO_MODULE_CONFIGS, which each
# juno_add_module appends to (GENEX_EVAL: under multi-config generators they hold $<CONFIG>).
# A target of that name the project made itself is never taken over.
function(_juno_add_aggregate name command comment)
  cmake_parse_arguments(PARSE_ARGV 3 arg "UPGRADE" "" "")
  if(TARGET ${name})
    get_property(ours TARGET ${name} PROPERTY _JUNO_AGGREGATE)
    if(NOT ours)
      message(FATAL_ERROR
        "juno_add_module: the project already has a target named '${name}', which juno-cmake "
        "needs for its aggregate over every module. Rename that target.")
    endif()
    return()
  endif()
  # No literal ';' inside the generator expression, so that the list of commands below keeps it
  # whole; COMMAND_EXPAND_LISTS splits what it evaluates to.
  set(configs
      "--config$<SEMICOLON>$<JOIN:$<GENEX_EVAL:$<TARGET_PROPERTY:${name},JUNO_MODULE_CONFIGS>>,$<SEMICOLON>--config$<SEMICOLON>>")
  if(arg_UPGRADE)
    _juno_upgrade_commands("${configs}" commands)
  else()
    set(commands COMMAND Juno::helper ${command} "${configs}")
  endif()
  add_custom_target(${name} ${commands}
    COMMENT "${comment}"
    USES_TERMINAL VERBATIM COMMAND_EXPAND_LISTS)
  set_property(TARGET ${name} PROPERTY _JUNO_AGGREGATE TRUE)
endfunction()

# The commands of an upgrade target, given the --config arguments of its modules. With
# JUNO_UPGRADE_DOWNLOAD the upgrade's restore point is copied into
# JUNO_UPGRADE_DOWNLOAD_DIR/<name>/<backup id> after the install (the exact restore point is taken
# while the module is stopped for it; copying it then would keep the module stopped for the whole
# download), and, before the install, the previous upgrade's restore point when its copy failed,
# since this upgrade may replace that backup on-chain: that copy failing stops the target with the
# module untouched. A copy already there is checked, never made again.
function(_juno_upgrade_commands configs out_var)
  set(commands COMMAND Juno::helper upgrade ${configs})
  if(JUNO_UPGRADE_DOWNLOAD)
    get_filename_component(dir "${JUNO_UPGRADE_DOWNLOAD_DIR}" ABSOLUTE BASE_DIR "${CMAKE_BINARY_DIR}")
    set(dir --parent-dir "${dir}")
    set(commands
      COMMAND Juno::helper download --before-upgrade ${dir} ${configs}
      ${commands}
      COMMAND Juno::helper download --after-upgrade ${dir} ${configs})
  endif()
  set(${out_var} ${commands} PARENT_SCOPE)
endfunction()

# The targets a module named <name> gets. Per-module targets are juno_<action>_<name>, so a name
# that starts with another action's suffix would give two modules (or a module and an aggregate)
# one target: module 'list' owns juno_backup_list, the aggregate; module 'list_x' owns
# juno_backup_list_x, module 'x''s list target. Such names are refused, as is a name whose
# targets the project already has.
function(_juno_check_target_names name)
  if(name MATCHES "^(list|delete|download|upload|from)(_(.*))?$")
    set(word "${CMAKE_MATCH_1}")
    set(other "${CMAKE_MATCH_3}")
    set(mine "backup target juno_backup_${name}")
    if(word STREQUAL "from")
      set(mine "restore target juno_restore_${name}")
    endif()
    if(other STREQUAL "")
      set(clash "the aggregate that runs '${word}' for every module")
    else()
      set(clash "the '${word}' target of a module named '${other}'")
    endif()
    message(FATAL_ERROR
      "juno_add_module: the module name '${name}' is refused: its ${mine} would also be "
      "${clash}. Give the module another name (e.g. "
      "'my_${name}'): 'list', 'delete', 'download', 'upload' and 'from', and names starting "
      "with them and '_', are reserved.")
  endif()
  foreach(action backup restore upgrade backup_list backup_delete start status backup_download
                 backup_upload restore_from)
    if(TARGET juno_${action}_${name})
      message(FATAL_ERROR
        "juno_add_module: the project already has a target named 'juno_${action}_${name}', which "
        "module '${name}' needs. Rename that target or give the module another name.")
    endif()
  endforeach()
endfunction()

# The configure summary of one module: a STATUS line with what decides where the helper acts and
# as whom (hidden by --log-level=NOTICE or higher), and what it installs at VERBOSE. An identity
# is shown as the file's path or the identity's name; the key is never read here.
function(_juno_report_module name kind canister_id id_from network identity wasm install_arg_file
                             module_config)
  # The helper's own resolution (plugin/src/cli/options.cpp).
  if(network STREQUAL "ic")
    set(network "ic (https://icp-api.io)")
  elseif(network STREQUAL "local")
    set(network "local (http://127.0.0.1:5987)")
  endif()
  if(identity STREQUAL "")
    set(identity "none (JUNO_TOKEN from the build's environment, else anonymous)")
  elseif(IS_ABSOLUTE "${identity}")
    set(identity "file ${identity}")
  else()
    set(identity "name ${identity} (icp or dfx identity)")
  endif()
  message(STATUS "Juno module ${name}: ${kind} ${canister_id} from ${id_from}, network ${network}, "
                 "mode ${JUNO_MODE}, identity ${identity}")
  if(wasm STREQUAL "")
    set(wasm "none (juno_upgrade_${name} needs WASM)")
  endif()
  if(install_arg_file STREQUAL "")
    set(install_arg_file "none")
  endif()
  message(VERBOSE "Juno module ${name}: Wasm ${wasm}, install argument ${install_arg_file}, "
                  "module config ${module_config}")
endfunction()

# juno_help: prints every juno_* target of the build with what it does. Ninja's own `help`
# (ninja -t targets) lists only targets that no other target depends on, so it hides some of them.
# The list is rewritten with each module; the last module's call leaves the whole build's.
function(_juno_add_help name kind canister_id network)
  set(help_file "${CMAKE_BINARY_DIR}/juno/help.txt")
  if(NOT TARGET juno_help)
    add_custom_target(juno_help COMMAND "${CMAKE_COMMAND}" -E cat "${help_file}"
                      COMMENT "Listing every Juno target" USES_TERMINAL VERBATIM)
    set_property(TARGET juno_help PROPERTY _JUNO_AGGREGATE TRUE)
  else()
    get_property(ours TARGET juno_help PROPERTY _JUNO_AGGREGATE)
    if(NOT ours)
      message(FATAL_ERROR
        "juno_add_module: the project already has a target named 'juno_help', which juno-cmake "
        "needs for its list of targets. Rename that target.")
    endif()
  endif()
  set(actions
    "backup|stops the module, takes a backup, starts it again"
    "restore|stops, loads the newest backup (or JUNO_SNAPSHOT=<id>), starts"
    "upgrade|installs the Wasm in upgrade mode (after juno_backup_<name> while JUNO_UPGRADE_BACKUP is ON, copying its restore point off-chain while JUNO_UPGRADE_DOWNLOAD is ON)"
    "backup_list|lists the module's backups"
    "backup_delete|deletes the backup JUNO_SNAPSHOT=<id>, or every one with JUNO_SNAPSHOT=all"
    "start|starts the module (after a failure left it stopped)"
    "status|prints the run status, module hash, version and controllers"
    "backup_download|downloads the newest backup (or JUNO_SNAPSHOT=<id>) into JUNO_BACKUP_DIR (or JUNO_BACKUP_PARENT_DIR/<name>)"
    "backup_upload|uploads the folder JUNO_BACKUP_FROM=<folder> (or JUNO_BACKUP_FROM_PARENT/<name>) into the module's backups"
    "restore_from|uploads JUNO_BACKUP_FROM=<folder> (or JUNO_BACKUP_FROM_PARENT/<name>), then restores it as juno_restore does")
  set(block "Module ${name}: ${kind} ${canister_id}, network ${network}\n")
  foreach(entry IN LISTS actions)
    string(REPLACE "|" ";" entry "${entry}")
    list(GET entry 0 action)
    list(GET entry 1 what)
    string(REPLACE "<name>" "${name}" what "${what}")
    string(LENGTH "juno_${action}_${name}" length)
    set(pad "")
    if(length LESS 34)
      math(EXPR width "34 - ${length}")
      string(REPEAT " " ${width} pad)
    endif()
    string(APPEND block "  juno_${action}_${name}${pad} ${what}\n")
  endforeach()
  set_property(GLOBAL APPEND_STRING PROPERTY _JUNO_HELP_MODULES "${block}")
  get_property(modules GLOBAL PROPERTY _JUNO_HELP_MODULES)
  get_property(multi_config GLOBAL PROPERTY GENERATOR_IS_MULTI_CONFIG)
  set(config "")
  if(multi_config)
    set(config " [--config <cfg>]")
  endif()
  string(CONCAT text
    "Juno targets: cmake --build ${CMAKE_BINARY_DIR} --target <target>${config}\n"
    "  juno_help                          this list\n"
    "  juno_backup, juno_restore, juno_upgrade, juno_backup_list, juno_backup_delete,\n"
    "  juno_start, juno_status            the same as below, for every module\n"
    "  juno_backup_download               every module's newest backup into\n"
    "                                     JUNO_BACKUP_PARENT_DIR/<name> (default <build>/juno/backups/<name>)\n"
    "  juno_backup_upload, juno_restore_from\n"
    "                                     every module from JUNO_BACKUP_FROM_PARENT/<name>\n"
    "${modules}")
  file(WRITE "${help_file}" "${text}")
endfunction()

#[=======================================================================[.rst:
.. command:: juno_add_module

  Declares a module and adds its targets.

  .. code-block:: cmake

    juno_add_module(<name>
                    [KIND satellite|mission_control|orbiter|canister]
                    [CANISTER_ID <principal>]
                    [WASM <file or generator expression>]
                    [DEPENDS <targets>...]
                    [INSTALL_ARG_FILE <file>]
                    [NETWORK <ic|local|url>]
                    [IDENTITY <pem or name>])

  ``KIND``
    What the module is (default ``canister``). For ``satellite`` and ``orbiter`` the canister id
    may come from the project's Juno config.
  ``CANISTER_ID``
    The module's principal. Without it, the id Juno's CLI would use is taken from the Juno config
    (see ``JUNO_CONFIG``): ``<kind>.ids.<JUNO_MODE>``, else ``<kind>.id``, else the deprecated
    ``satellite.satelliteId``; for ``mission_control``, from Juno's CLI login (see
    ``JUNO_PROFILE``).
  ``WASM``
    The Wasm (or gzipped Wasm) that ``juno_upgrade_<name>`` installs: a file, a generator
    expression, or a target's name. ``$<TARGET_FILE:tgt>`` or ``tgt`` also makes
    ``juno_upgrade_<name>`` depend on ``tgt``.
  ``DEPENDS``
    Other targets built before ``juno_upgrade_<name>`` (those that produce the Wasm when it is
    a plain file).
  ``INSTALL_ARG_FILE``
    A file whose bytes (Candid) are passed to the module's upgrade.
  ``NETWORK``, ``IDENTITY``
    Per-module overrides of ``JUNO_NETWORK`` and ``JUNO_IDENTITY`` (a relative ``IDENTITY`` path is
    taken from the current source directory).

  Each per-module target has the property ``JUNO_MODULE_CONFIG``: the module config the helper
  reads, so that a project can run the helper itself, e.g. a CTest smoke test:
  ``add_test(NAME satellite_status COMMAND Juno::helper status --config
  $<GENEX_EVAL:$<TARGET_PROPERTY:juno_status_satellite,JUNO_MODULE_CONFIG>>)``. Under
  multi-config generators its path holds ``$<CONFIG>``, which ``$<TARGET_PROPERTY>`` alone leaves
  unevaluated; ``$<GENEX_EVAL>`` evaluates it, and changes nothing otherwise.

  Targets: ``juno_backup_<name>``, ``juno_restore_<name>``, ``juno_upgrade_<name>``,
  ``juno_backup_list_<name>``, ``juno_backup_delete_<name>``, ``juno_start_<name>``,
  ``juno_status_<name>``, ``juno_backup_download_<name>`` (into ``JUNO_BACKUP_DIR``, default
  ``<build>/juno/backups/<name>``), ``juno_backup_upload_<name>`` and ``juno_restore_from_<name>``
  (from the folder ``JUNO_BACKUP_FROM`` names, in the environment), and the aggregates
  ``juno_start``, ``juno_status``, ``juno_backup``, ``juno_restore``, ``juno_upgrade``,
  ``juno_backup_list``, ``juno_backup_delete``, ``juno_backup_download`` (each module into
  ``JUNO_BACKUP_PARENT_DIR/<name>``, default ``<build>/juno/backups/<name>``),
  ``juno_backup_upload`` and ``juno_restore_from`` (from ``JUNO_BACKUP_FROM_PARENT/<name>``); and
  ``juno_help``, which prints every one of them with what it does.
#]=======================================================================]
function(juno_add_module name)
  cmake_parse_arguments(PARSE_ARGV 1 arg ""
    "KIND;CANISTER_ID;WASM;INSTALL_ARG_FILE;NETWORK;IDENTITY" "DEPENDS")
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR
      "juno_add_module(${name}): unknown argument(s) '${arg_UNPARSED_ARGUMENTS}'. Known keywords: "
      "KIND, CANISTER_ID, WASM, DEPENDS, INSTALL_ARG_FILE, NETWORK, IDENTITY.")
  endif()
  if(NOT name MATCHES "^[A-Za-z][A-Za-z0-9_]*$")
    message(FATAL_ERROR
      "juno_add_module: '${name}' is not a valid module name; use letters, digits and "
      "underscores, starting with a letter (it becomes part of target names).")
  endif()
  get_property(modules GLOBAL PROPERTY JUNO_MODULES)
  if(NOT name IN_LIST modules)
    _juno_check_target_names(${name})
  endif()
  if(name IN_LIST modules)
    message(FATAL_ERROR
      "juno_add_module: a module named '${name}' already exists. Give each module its own name.")
  endif()
  _juno_validate_options()

  if(NOT DEFINED arg_KIND)
    set(arg_KIND canister)
  endif()
  set(kinds satellite mission_control orbiter canister)
  if(NOT arg_KIND IN_LIST kinds)
    message(FATAL_ERROR
      "juno_add_module(${name}): KIND '${arg_KIND}' is not one of satellite, mission_control, "
      "orbiter, canister.")
  endif()

  set(canister_id "${arg_CANISTER_ID}")
  set(id_from "CANISTER_ID")  # where the id came from, for the summary line
  set(id_source "CANISTER_ID")  # the same with the mode it was read for, for errors
  set(config_file "")
  if(canister_id STREQUAL "" AND arg_KIND MATCHES "^(satellite|orbiter)$")
    _juno_config_file(config_file)
    _juno_id_from_config("${config_file}" ${arg_KIND} "${JUNO_MODE}" canister_id)
    set(id_from "${config_file}")
    set(id_source "${config_file}, mode ${JUNO_MODE}")
  elseif(canister_id STREQUAL "" AND arg_KIND STREQUAL "mission_control")
    _juno_mission_control_id(${name} "${JUNO_MODE}" "${JUNO_PROFILE}" canister_id id_from)
    set(id_source "${id_from}, mode ${JUNO_MODE}")
  endif()
  if(canister_id STREQUAL "")
    if(arg_KIND MATCHES "^(satellite|orbiter)$" AND config_file)
      message(FATAL_ERROR
        "juno_add_module(${name}): no canister id. Pass CANISTER_ID <principal>, or set "
        "${arg_KIND}.ids.${JUNO_MODE} (or ${arg_KIND}.id) in ${config_file}.")
    elseif(arg_KIND MATCHES "^(satellite|orbiter)$")
      message(FATAL_ERROR
        "juno_add_module(${name}): no canister id. Pass CANISTER_ID <principal>, or set "
        "${arg_KIND}.ids.${JUNO_MODE} (or ${arg_KIND}.id) in a Juno config: no juno.config.ts, "
        ".js, .mjs, .cjs, juno.json or juno.config.json was found (JUNO_CONFIG='${JUNO_CONFIG}', "
        "top-level source directory ${CMAKE_SOURCE_DIR}).")
    else()
      message(FATAL_ERROR "juno_add_module(${name}): no canister id. Pass CANISTER_ID <principal>.")
    endif()
  endif()
  _juno_principal_problem("${canister_id}" problem)
  if(problem)
    message(FATAL_ERROR
      "juno_add_module(${name}): '${canister_id}' is not a valid canister id: ${problem}. It "
      "came from ${id_source}; copy the id again from the Juno Console into it.")
  endif()
  string(TOLOWER "${canister_id}" canister_id)

  set(network "${JUNO_NETWORK}")
  if(DEFINED arg_NETWORK)
    set(network "${arg_NETWORK}")
  endif()
  if(NOT network MATCHES "^(ic|local|https?://.+)$")
    message(FATAL_ERROR
      "juno_add_module(${name}): network '${network}' is not ic, local or an http(s):// URL.")
  endif()
  if(DEFINED arg_IDENTITY)
    # A key in the cache is removed even when this module does not use it.
    _juno_refuse_key_material(${name} "${JUNO_IDENTITY}" "${CMAKE_SOURCE_DIR}" JUNO_IDENTITY)
    _juno_identity(${name} "${arg_IDENTITY}" "${CMAKE_CURRENT_SOURCE_DIR}" IDENTITY identity)
  else()
    _juno_identity(${name} "${JUNO_IDENTITY}" "${CMAKE_SOURCE_DIR}" JUNO_IDENTITY identity)
  endif()
  set(install_arg_file "")
  if(DEFINED arg_INSTALL_ARG_FILE)
    get_filename_component(install_arg_file "${arg_INSTALL_ARG_FILE}" ABSOLUTE
                           BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
  endif()
  set(wasm "")
  set(wasm_target "")  # the target that builds the Wasm, when WASM names one
  if(DEFINED arg_WASM)
    set(wasm "${arg_WASM}")
    if(wasm MATCHES "^\\$<TARGET_FILE:([^<>:,]+)>$")
      set(wasm_target "${CMAKE_MATCH_1}")
    elseif(TARGET "${wasm}")
      set(wasm_target "${wasm}")
      set(wasm "$<TARGET_FILE:${wasm}>")
    endif()
    if(NOT wasm MATCHES "^\\$<")
      get_filename_component(wasm "${wasm}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
    endif()
  endif()

  # The per-module config the helper reads: configure_file fills in the values, then
  # file(GENERATE) evaluates generator expressions (WASM) per configuration.
  foreach(field name kind canister_id network identity wasm install_arg_file)
    if(field STREQUAL "name")
      set(value "${name}")
    elseif(field STREQUAL "kind")
      set(value "${arg_KIND}")
    else()
      set(value "${${field}}")
    endif()
    _juno_json_escape("${value}" _juno_${field})
  endforeach()
  set(_juno_root_key "")
  _juno_json_escape("${CMAKE_BINARY_DIR}" _juno_build_dir)
  # The configuration the helper names in its "run this next" hints (multi-config generators).
  get_property(multi_config GLOBAL PROPERTY GENERATOR_IS_MULTI_CONFIG)
  if(multi_config)
    set(_juno_build_config "$<CONFIG>")
  else()
    set(_juno_build_config "")
  endif()
  if(JUNO_BACKUP_OVERWRITE)
    set(_juno_overwrite true)
  else()
    set(_juno_overwrite false)
  endif()
  if(JUNO_UPGRADE_BACKUP)
    set(_juno_before_upgrade true)
  else()
    set(_juno_before_upgrade false)
  endif()
  set(template_output "${CMAKE_BINARY_DIR}/juno/${name}.json.in")
  get_property(template GLOBAL PROPERTY _JUNO_MODULE_TEMPLATE)
  configure_file("${template}" "${template_output}" @ONLY)
  if(multi_config)
    set(module_config "${CMAKE_BINARY_DIR}/juno/$<CONFIG>/${name}.json")
  else()
    set(module_config "${CMAKE_BINARY_DIR}/juno/${name}.json")
  endif()
  file(GENERATE OUTPUT "${module_config}" INPUT "${template_output}")

  _juno_resolve_helper()

  set(module "Juno module ${name} (${canister_id})")
  _juno_add_helper_target(juno_backup_${name} backup "${module_config}" "Backing up ${module}")
  _juno_add_helper_target(juno_restore_${name} restore "${module_config}"
                          "Restoring ${module} from its newest backup")
  _juno_upgrade_commands("--config;${module_config}" upgrade_commands)
  add_custom_target(juno_upgrade_${name} ${upgrade_commands}
    COMMENT "Upgrading ${module}"
    USES_TERMINAL VERBATIM)
  _juno_add_helper_target(juno_backup_list_${name} list "${module_config}"
                          "Listing the backups of ${module}")
  _juno_add_helper_target(juno_backup_delete_${name} delete "${module_config}"
                          "Deleting a backup of ${module}")
  _juno_add_helper_target(juno_start_${name} start "${module_config}"
                          "Starting ${module} (after a failure left it stopped)")
  _juno_add_helper_target(juno_status_${name} status "${module_config}"
                          "Reading the status of ${module}")
  _juno_add_helper_target(juno_backup_download_${name} download "${module_config}"
                          "Downloading the newest backup of ${module}")
  _juno_add_helper_target(juno_backup_upload_${name} upload "${module_config}"
                          "Uploading the backup folder JUNO_BACKUP_FROM into ${module}")
  _juno_add_helper_target(juno_restore_from_${name} "restore;--from-environment" "${module_config}"
                          "Restoring ${module} from the backup folder JUNO_BACKUP_FROM")
  if(arg_DEPENDS)
    add_dependencies(juno_upgrade_${name} ${arg_DEPENDS})
  endif()
  # The Wasm's own target is built first, DEPENDS or not: a stale Wasm is never installed.
  if(wasm_target)
    add_dependencies(juno_upgrade_${name} ${wasm_target})
  endif()
  if(JUNO_UPGRADE_BACKUP)
    add_dependencies(juno_upgrade_${name} juno_backup_${name})
  endif()

  _juno_add_aggregate(juno_backup backup "Backing up every Juno module")
  _juno_add_aggregate(juno_restore restore "Restoring every Juno module")
  _juno_add_aggregate(juno_upgrade upgrade "Upgrading every Juno module" UPGRADE)
  _juno_add_aggregate(juno_backup_list list "Listing the backups of every Juno module")
  _juno_add_aggregate(juno_backup_delete delete "Deleting a backup of every Juno module")
  _juno_add_aggregate(juno_start start "Starting every Juno module")
  _juno_add_aggregate(juno_status status "Reading the status of every Juno module")
  # Each module's backup in a folder of its own: <JUNO_BACKUP_PARENT_DIR or
  # <build>/juno/backups>/<name>, from <JUNO_BACKUP_FROM_PARENT>/<name>.
  _juno_add_aggregate(juno_backup_download "download;--every-module"
                      "Downloading the newest backup of every Juno module")
  _juno_add_aggregate(juno_backup_upload "upload;--every-module"
                      "Uploading JUNO_BACKUP_FROM_PARENT/<name> into every Juno module")
  _juno_add_aggregate(juno_restore_from "restore;--from-environment;--every-module"
                      "Restoring every Juno module from JUNO_BACKUP_FROM_PARENT/<name>")
  foreach(action backup restore upgrade backup_list backup_delete start status backup_download
                 backup_upload restore_from)
    set_property(TARGET juno_${action} APPEND PROPERTY JUNO_MODULE_CONFIGS "${module_config}")
  endforeach()
  # The aggregate upgrade builds what each module's upgrade builds first.
  if(arg_DEPENDS)
    add_dependencies(juno_upgrade ${arg_DEPENDS})
  endif()
  if(wasm_target)
    add_dependencies(juno_upgrade ${wasm_target})
  endif()
  if(JUNO_UPGRADE_BACKUP)
    add_dependencies(juno_upgrade juno_backup)
  endif()

  # Where the module's settings are, for a project's own helper runs (a CTest smoke test, say):
  # $<TARGET_PROPERTY:juno_status_<name>,JUNO_MODULE_CONFIG>.
  foreach(action backup restore upgrade backup_list backup_delete start status backup_download
                 backup_upload restore_from)
    set_property(TARGET juno_${action}_${name} PROPERTY JUNO_MODULE_CONFIG "${module_config}")
  endforeach()
  set_property(GLOBAL APPEND PROPERTY JUNO_MODULES ${name})
  _juno_report_module(${name} ${arg_KIND} ${canister_id} "${id_from}" "${network}" "${identity}"
                      "${wasm}" "${install_arg_file}" "${module_config}")
  _juno_add_help(${name} ${arg_KIND} ${canister_id} "${network}")
endfunction()

cmake_policy(POP)
