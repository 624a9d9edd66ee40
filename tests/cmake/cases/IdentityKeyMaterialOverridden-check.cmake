# The same checks as IdentityKeyMaterial.
include("${CMAKE_CURRENT_LIST_DIR}/IdentityKeyMaterial-check.cmake")
