# FetchContent with find_package redirection (CMake 3.24+), each way a project asks for it:
# FIND_PACKAGE_ARGS or FETCHCONTENT_TRY_FIND_PACKAGE_MODE=ALWAYS (find_package tried first, then
# fetched), or OVERRIDE_FIND_PACKAGE. A later
# find_package(Juno <version>) reads the redirect's version file: the embedded copy's version and
# compatibility rule, not FetchContent's accept-anything stand-in.
include(FetchContent)
if(JUNO_REDIRECT STREQUAL "FIND_PACKAGE_ARGS")
  FetchContent_Declare(juno SOURCE_DIR "${JUNO_SOURCE_DIR}" FIND_PACKAGE_ARGS 0.1 CONFIG)
elseif(JUNO_REDIRECT STREQUAL "ALWAYS")
  set(FETCHCONTENT_TRY_FIND_PACKAGE_MODE ALWAYS CACHE STRING "")
  FetchContent_Declare(juno SOURCE_DIR "${JUNO_SOURCE_DIR}")
else()
  FetchContent_Declare(juno SOURCE_DIR "${JUNO_SOURCE_DIR}" OVERRIDE_FIND_PACKAGE)
endif()
FetchContent_MakeAvailable(juno)
if(juno_FOUND)
  message(FATAL_ERROR "FetchContent found an installed Juno instead of fetching it")
endif()
find_package(Juno 0.1 CONFIG REQUIRED)
if(NOT Juno_VERSION VERSION_EQUAL 0.1.0)
  message(FATAL_ERROR "find_package(Juno 0.1) after FetchContent gave version '${Juno_VERSION}'")
endif()
find_package(Juno 0.1...1.0 CONFIG REQUIRED)
if(NOT Juno_VERSION VERSION_EQUAL 0.1.0)
  message(FATAL_ERROR "find_package(Juno 0.1...1.0) after FetchContent gave version '${Juno_VERSION}'")
endif()
foreach(refused 9.0 0.2 0.2...1.0)
  find_package(Juno ${refused} CONFIG QUIET)
  if(Juno_FOUND)
    message(FATAL_ERROR "find_package(Juno ${refused}) after FetchContent accepted version "
                        "'${Juno_VERSION}'")
  endif()
endforeach()
