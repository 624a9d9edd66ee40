# The same modules as UpgradeBacksUp.cmake; the options differ.
include("${CMAKE_CURRENT_LIST_DIR}/UpgradeBacksUp.cmake")
