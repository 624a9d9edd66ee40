// Checks a module file before anything touches the module: Wasm or gzipped Wasm, within the IC's
// limits.
#pragma once

#include <filesystem>
#include <optional>
#include <string_view>

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

// Throws ic::Error (Usage) naming the file when it is missing, empty, not Wasm, a broken or
// truncated gzip, a module whose structure is cut short or padded (check_wasm_structure), or
// larger than the IC accepts.
WasmFile read_wasm(const std::filesystem::path& path);

// What read_wasm refuses from the file's size and first bytes alone, in the same words: missing or
// unreadable, empty, larger than the IC accepts, neither Wasm nor gzip. Returns the file's size, so
// that a caller can act on the module (e.g. read it) while read_wasm reads, hashes and checks the
// rest. Throws ic::Error (Usage).
std::size_t check_wasm_file_start(const std::filesystem::path& path);

// Checks a module's structure as far as its bytes go, before anything touches a module: the
// header (\0asm, version 1), then sections, each a known id (0 to 13) and a LEB128 size that
// stays inside the module, custom sections with a name inside their section, and nothing after
// the last section. It does not validate the code (the IC does): it catches files cut short or
// padded, which would otherwise stop the module and replace a backup before the IC says IC0505.
// Throws ic::Error (Usage) starting with `what` and saying where the structure breaks.
void check_wasm_structure(ic::ByteView module, const std::string& what);

// The module as the IC runs it: `wasm.bytes`, inflated when the file is gzipped (read_wasm has
// already checked that this succeeds within max_wasm_size).
ic::Bytes module_bytes(const WasmFile& wasm);

// The content of the custom section named `name` (e.g. "icp:public juno:package") of a module
// whose structure check_wasm_structure accepted; nullopt when there is none. Throws ic::Error
// (Usage) starting with `what` when the module holds two sections of that name (the IC refuses
// such a module) or its structure is broken.
std::optional<ic::Bytes> find_custom_section(ic::ByteView module, std::string_view name,
                                             const std::string& what);

// Reads an install argument file (raw Candid bytes), at most `max_size` bytes.
ic::Bytes read_install_arg(const std::filesystem::path& path, std::size_t max_size);

}  // namespace juno
