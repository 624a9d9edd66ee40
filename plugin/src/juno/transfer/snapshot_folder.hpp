// The on-disk form of a backup taken off-chain: DFINITY's icp CLI's snapshot folder
// (crates/icp-cli/src/operations/snapshot_transfer.rs, SnapshotPaths, at icp-cli 0335217e), so
// that `icp canister snapshot upload` takes what `juno-helper download` writes, plus this
// helper's manifest of every file's size and SHA-256.
//
//   metadata.json                  serde JSON of read_canister_snapshot_metadata's reply
//   wasm_module.bin                the Wasm module        (absent when its size is 0)
//   wasm_memory.bin                the Wasm (heap) memory (absent when its size is 0)
//   stable_memory.bin              the stable memory      (absent when its size is 0)
//   wasm_chunk_store/<sha256>.bin  one file per chunk of the Wasm chunk store
//   juno-manifest.json             this helper's: {format, canister_id, snapshot_id,
//                                  taken_at_timestamp, files: [{name, size, sha256}]}
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ic/management.hpp"
#include "ic/sha256.hpp"

namespace juno::transfer {

using ic::management::SnapshotBlob;
using ic::management::SnapshotMetadata;

inline constexpr const char* metadata_file = "metadata.json";
inline constexpr const char* chunk_store_dir = "wasm_chunk_store";
// Not a name icp uses (it keeps .lock, .download_progress.json, .upload_progress.json).
inline constexpr const char* manifest_file = "juno-manifest.json";
inline constexpr int manifest_format = 1;

inline constexpr SnapshotBlob all_blobs[] = {SnapshotBlob::WasmModule, SnapshotBlob::WasmMemory,
                                             SnapshotBlob::StableMemory};

std::string blob_file(SnapshotBlob blob);      // "wasm_module.bin", ...
std::string chunk_file(const ic::Hash& hash);  // "wasm_chunk_store/<hex>.bin"

// metadata.json as icp writes it (serde: externally tagged variants, byte vectors as arrays of
// numbers, u64 as numbers, absent options as null), indented.
std::string metadata_to_json(const SnapshotMetadata& metadata);
// Reads icp's (and dfx's) metadata.json; throws ic::Error (Usage) naming `file` and the field.
SnapshotMetadata metadata_from_json(std::string_view text, const std::string& file);

// One file of a folder: its name relative to the folder, size in bytes and SHA-256.
struct FileEntry {
    std::string name;
    std::uint64_t size = 0;
    ic::Hash sha256{};
    bool operator==(const FileEntry&) const = default;
};

struct Manifest {
    std::string canister_id;  // the module the backup was taken of (principal text)
    ic::Bytes snapshot_id;
    std::uint64_t taken_at_timestamp = 0;  // nanoseconds since the epoch
    std::vector<FileEntry> files;          // metadata.json first, then data files
    bool operator==(const Manifest&) const = default;
};

std::string manifest_to_json(const Manifest& manifest);
// Throws ic::Error (Usage) naming `file` when it is not a manifest of a known format.
Manifest manifest_from_json(std::string_view text, const std::string& file);

// The data files `metadata` implies, in the order they are transferred: blobs of non-zero size,
// then chunks. Chunk sizes are not in the metadata (nullopt); their hashes are their names.
struct DataFile {
    std::string name;
    std::optional<SnapshotBlob> blob;  // nullopt: a chunk of the Wasm chunk store
    ic::Hash chunk_hash{};             // chunks only
    std::optional<std::uint64_t> size;
};
std::vector<DataFile> data_files(const SnapshotMetadata& metadata);

// Streams `path` through SHA-256 in bounded memory: its size and hash. Throws ic::Error (Usage)
// naming the file when it cannot be read.
FileEntry hash_file(const std::filesystem::path& folder, const std::string& name);

// Reads a small text file (metadata, manifest) of at most `limit` bytes.
std::string read_text_file(const std::filesystem::path& path, std::size_t limit = 64 << 20);
// Writes `text` to a temporary file beside `path`, flushes it to disk and renames it into place,
// so that `path` is either absent or complete.
void write_file_atomically(const std::filesystem::path& path, std::string_view text);

}  // namespace juno::transfer
