// The folder Juno's CLI writes (`juno snapshot download`, junobuild/cli
// src/services/modules/snapshot/snapshot.download.services.ts): wasm-code.bin, heap.bin,
// stable.bin and chunks-store.bin (the chunks one after the other), and a metadata.json of
// {snapshotId, metadata, data} in camelCase, with bigints as {"__bigint__": "<decimal>"} and byte
// arrays as {"__uint8array__": [...]} (@dfinity/utils jsonReplacer). `data` gives each file's
// name, size and SHA-256 (hex), or null for a part of size 0.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "juno/transfer/snapshot_folder.hpp"

namespace juno::transfer {

// Juno's CLI splits chunks-store.bin at this size when it uploads; the helper does the same and
// checks each piece against the chunk hashes in order.
inline constexpr std::uint64_t juno_chunk_size = 1'000'000;

struct JunoFile {
    std::string filename;
    std::uint64_t size = 0;
    ic::Hash sha256{};
};

struct JunoFolder {
    std::string snapshot_id;  // "0x..." as Juno's CLI shows it
    SnapshotMetadata metadata;
    // Each part, or nullopt when Juno skipped it (size 0).
    std::optional<JunoFile> wasm_module, wasm_memory, stable_memory, wasm_chunk_store;
};

// Whether metadata.json's text is Juno's (an object with "metadata" and "data").
bool is_juno_metadata(std::string_view text);

// Throws ic::Error (Usage) naming `file` and the field when the text is not Juno's format.
JunoFolder juno_folder_from_json(std::string_view text, const std::string& file);

}  // namespace juno::transfer
