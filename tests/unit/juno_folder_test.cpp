#include "juno/transfer/juno_folder.hpp"

#include <gtest/gtest.h>

#include "ic/error.hpp"

namespace {

using namespace juno::transfer;

// As `juno snapshot download` writes it: camelCase, bigints and byte arrays tagged by
// @dfinity/utils jsonReplacer, parts of size 0 as null.
const char* juno_metadata = R"({
  "snapshotId": "0x00000000000000018000000000100000101",
  "metadata": {
    "globals": [{"i32": 3}, {"i64": {"__bigint__": "-9"}}, {"f64": 0.5}],
    "canisterVersion": {"__bigint__": "12"},
    "source": {"takenFromCanister": null},
    "certifiedData": {"__uint8array__": [1, 2]},
    "globalTimer": {"active": {"__bigint__": "1700000000000000000"}},
    "onLowWasmMemoryHookStatus": {"conditionNotSatisfied": null},
    "wasmModuleSize": {"__bigint__": "15"},
    "stableMemorySize": {"__bigint__": "0"},
    "wasmChunkStore": [{"hash": {"__uint8array__": [0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,7]}}],
    "takenAtTimestamp": {"__bigint__": "1796185726716000000"},
    "wasmMemorySize": {"__bigint__": "65536"}
  },
  "data": {
    "wasmModule": {"filename": "wasm-code.bin", "size": {"__bigint__": "15"}, "hash": "aa00000000000000000000000000000000000000000000000000000000000000"},
    "wasmMemory": {"filename": "heap.bin", "size": {"__bigint__": "65536"}, "hash": "bb00000000000000000000000000000000000000000000000000000000000000"},
    "stableMemory": null,
    "wasmChunkStore": {"filename": "chunks-store.bin", "size": {"__bigint__": "7"}, "hash": "cc00000000000000000000000000000000000000000000000000000000000000"}
  }
})";

TEST(JunoFolder, ReadsTheMetadataAndFiles) {
    EXPECT_TRUE(is_juno_metadata(juno_metadata));
    JunoFolder f = juno_folder_from_json(juno_metadata, "metadata.json");
    EXPECT_EQ(f.metadata.source, "taken_from_canister");
    EXPECT_EQ(f.metadata.canister_version, 12u);
    EXPECT_EQ(f.metadata.wasm_module_size, 15u);
    EXPECT_EQ(f.metadata.wasm_memory_size, 65536u);
    EXPECT_EQ(f.metadata.taken_at_timestamp, 1796185726716000000ull);
    EXPECT_EQ(f.metadata.certified_data, (ic::Bytes{1, 2}));
    ASSERT_EQ(f.metadata.globals.size(), 3u);
    EXPECT_EQ(f.metadata.globals[1].integer, -9);
    ASSERT_TRUE(f.metadata.global_timer);
    EXPECT_TRUE(f.metadata.global_timer->active);
    EXPECT_EQ(f.metadata.on_low_wasm_memory_hook_status, "condition_not_satisfied");
    ASSERT_EQ(f.metadata.wasm_chunk_store.size(), 1u);
    EXPECT_EQ(f.metadata.wasm_chunk_store[0][31], 7);
    ASSERT_TRUE(f.wasm_module);
    EXPECT_EQ(f.wasm_module->filename, "wasm-code.bin");
    EXPECT_EQ(f.wasm_module->sha256[0], 0xaa);
    EXPECT_FALSE(f.stable_memory);
    ASSERT_TRUE(f.wasm_chunk_store);
    EXPECT_EQ(f.wasm_chunk_store->size, 7u);
}

TEST(JunoFolder, IcpsMetadataIsNotJunos) {
    EXPECT_FALSE(is_juno_metadata(R"({"source": {"taken_from_canister": null}})"));
    EXPECT_FALSE(is_juno_metadata("not json"));
}

TEST(JunoFolder, RefusesFilesOutsideTheFolderAndBadNumbers) {
    std::string outside = juno_metadata;
    outside.replace(outside.find("\"heap.bin\""), 10, "\"../x.bin\"");
    EXPECT_THROW(juno_folder_from_json(outside, "metadata.json"), ic::Error);
    std::string negative = juno_metadata;
    negative.replace(negative.find("\"15\"}"), 4, "\"-1\"");
    EXPECT_THROW(juno_folder_from_json(negative, "metadata.json"), ic::Error);
}

}  // namespace
