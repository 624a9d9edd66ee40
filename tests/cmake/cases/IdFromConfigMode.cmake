# The same modules as IdFromConfig.cmake; the options differ.
include("${CMAKE_CURRENT_LIST_DIR}/IdFromConfig.cmake")
