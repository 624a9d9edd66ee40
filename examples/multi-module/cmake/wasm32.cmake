# Toolchain file: C++ to WebAssembly for the Internet Computer with clang and lld (Debian's
# clang and lld packages), without a libc: a canister talks to the IC only through ic0 imports.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR wasm32)
set(CMAKE_CXX_COMPILER clang++)
set(CMAKE_CXX_COMPILER_TARGET wasm32)
set(CMAKE_CXX_FLAGS_INIT "-nostdlib -fno-exceptions -fno-rtti -fvisibility=hidden")
set(CMAKE_EXE_LINKER_FLAGS_INIT "-nostdlib -Wl,--no-entry -Wl,--strip-debug")
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
