// juno-helper verify: checks a snapshot folder offline, and says what it holds. The same check
// runs before an upload sends anything.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "juno/transfer/snapshot_folder.hpp"

namespace juno::transfer {

enum class FolderFormat {
    Helper,  // written by juno-helper download: icp's files plus juno-manifest.json
    Icp,     // written by icp (or dfx) canister snapshot download: no manifest
    Juno,    // written by Juno's CLI (juno snapshot download): juno_folder.hpp
};
const char* to_string(FolderFormat format);

// A data file as checked: its blob (nullopt: a chunk of the Wasm chunk store), size and hash.
struct CheckedFile {
    std::string name;
    std::uint64_t offset = 0;  // where its bytes start in the file (Juno's chunks share one file)
    std::optional<SnapshotBlob> blob;
    std::uint64_t size = 0;
    ic::Hash sha256{};
};

struct CheckedFolder {
    FolderFormat format = FolderFormat::Icp;
    SnapshotMetadata metadata;
    std::optional<Manifest> manifest;  // Helper only
    std::vector<CheckedFile> files;    // data files, in transfer order
    std::uint64_t total_bytes = 0;
};

// Reads every file of `dir` once. Throws ic::Error (Usage) naming the file at fault: a file the
// manifest or metadata lists that is missing, of another size, or (manifest) of another SHA-256;
// a chunk whose contents do not hash to its name (Juno: a 1,000,000-byte piece of chunks-store.bin
// that does not hash to the chunk in its place); a manifest or metadata.json that does not
// parse or that disagree; and a folder whose download has not finished.
CheckedFolder check_folder(const std::filesystem::path& dir);

}  // namespace juno::transfer
