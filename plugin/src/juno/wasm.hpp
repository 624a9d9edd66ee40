// Checks a module file before anything touches the module: Wasm or gzipped Wasm, within the IC's
// limits.
#pragma once

#include <filesystem>

#include "ic/bytes.hpp"
#include "ic/sha256.hpp"

namespace juno {

// The IC's largest module, uncompressed (WASM_MAX_SIZE).
constexpr std::size_t max_wasm_size = 100 * 1024 * 1024;

struct WasmFile {
    std::filesystem::path path;
    ic::Bytes bytes;  // as installed: gzipped files are sent gzipped
    ic::Hash hash;    // SHA-256 of `bytes`: what canister_status reports as module_hash
    bool gzipped = false;
    std::size_t uncompressed_size = 0;
};

// Throws ic::Error (Usage) naming the file when it is missing, empty, not Wasm, a broken gzip,
// or larger than the IC accepts.
WasmFile read_wasm(const std::filesystem::path& path);

// Reads an install argument file (raw Candid bytes), at most `max_size` bytes.
ic::Bytes read_install_arg(const std::filesystem::path& path, std::size_t max_size);

}  // namespace juno
