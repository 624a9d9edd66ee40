#include "juno/transfer/snapshot_folder.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "ic/error.hpp"

namespace {

using namespace juno::transfer;
using ic::management::GlobalTimer;
using ic::management::SnapshotGlobal;

std::filesystem::path scratch(const std::string& name) {
    auto dir = std::filesystem::temp_directory_path() / ("juno_snapshot_folder_" + name);
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    return dir;
}

SnapshotMetadata full_metadata() {
    SnapshotMetadata m;
    m.source = "taken_from_canister";
    m.taken_at_timestamp = 1796185726716000000ull;
    m.wasm_module_size = 15;
    m.wasm_memory_size = 65536;
    m.stable_memory_size = 9;
    m.canister_version = 3;
    m.certified_data = {0, 1, 255};
    SnapshotGlobal i32;
    i32.type = SnapshotGlobal::Type::I32;
    i32.integer = -7;
    SnapshotGlobal i64;
    i64.type = SnapshotGlobal::Type::I64;
    i64.integer = INT64_MIN;
    SnapshotGlobal f32;
    f32.type = SnapshotGlobal::Type::F32;
    f32.real = static_cast<float>(0.1);
    SnapshotGlobal f64;
    f64.type = SnapshotGlobal::Type::F64;
    f64.real = 0.1;
    SnapshotGlobal v128;
    v128.type = SnapshotGlobal::Type::V128;
    v128.v128.magnitude = ic::Bytes(16, 0xff);  // 2^128 - 1
    m.globals = {i32, i64, f32, f64, v128};
    ic::Hash h{};
    h[0] = 0xab;
    m.wasm_chunk_store = {h};
    m.global_timer = GlobalTimer{true, 42};
    m.on_low_wasm_memory_hook_status = "ready";
    return m;
}

TEST(Metadata, RoundTripsEveryField) {
    SnapshotMetadata m = full_metadata();
    EXPECT_EQ(metadata_from_json(metadata_to_json(m), "metadata.json"), m);
    m.global_timer = GlobalTimer{};
    m.on_low_wasm_memory_hook_status.reset();
    EXPECT_EQ(metadata_from_json(metadata_to_json(m), "metadata.json"), m);
    m.global_timer.reset();
    EXPECT_EQ(metadata_from_json(metadata_to_json(m), "metadata.json"), m);
}

TEST(Metadata, WritesIcpsEncodings) {
    std::string json = metadata_to_json(full_metadata());
    EXPECT_NE(json.find("\"source\": {\n    \"taken_from_canister\": null"), std::string::npos);
    EXPECT_NE(json.find("\"global_timer\": {\n    \"active\": 42"), std::string::npos);
    EXPECT_NE(json.find("\"on_low_wasm_memory_hook_status\": \"ready\""), std::string::npos);
    // serde_json of candid::Nat: num-bigint's base-2^32 digits, least significant first.
    auto compact = [](std::string text) {
        std::erase_if(text, [](char c) { return c == ' ' || c == '\n'; });
        return text;
    };
    EXPECT_NE(compact(json).find(R"("v128":[4294967295,4294967295,4294967295,4294967295])"),
              std::string::npos)
        << json;
    SnapshotMetadata small;
    SnapshotGlobal g;
    g.type = SnapshotGlobal::Type::V128;
    g.v128 = ic::candid::BigInt::from_u64(0x1'0000'0002ull);
    SnapshotGlobal zero;
    zero.type = SnapshotGlobal::Type::V128;
    small.globals = {g, zero};
    std::string two = compact(metadata_to_json(small));
    EXPECT_NE(two.find(R"("globals":[{"v128":[2,1]},{"v128":[]}])"), std::string::npos) << two;
    SnapshotMetadata m;
    m.global_timer = GlobalTimer{};
    EXPECT_NE(metadata_to_json(m).find("\"global_timer\": \"inactive\""), std::string::npos);
}

// What icp 1.5.0 wrote for a snapshot of the local replica (tests/e2e/transfer.test.mjs makes icp
// read what the helper writes; this is the other way round).
TEST(Metadata, ReadsWhatIcpWrote) {
    const char* icp = R"({
  "source": {
    "taken_from_canister": null
  },
  "taken_at_timestamp": 1796185726716000000,
  "wasm_module_size": 15,
  "globals": [{"i32": 5}, {"v128": [12]}, {"v128": []}, {"v128": [0, 1]}, {"v128": 7},
              {"v128": "340282366920938463463374607431768211455"}],
  "wasm_memory_size": 0,
  "stable_memory_size": 9,
  "wasm_chunk_store": [],
  "canister_version": 3,
  "certified_data": [],
  "global_timer": "inactive",
  "on_low_wasm_memory_hook_status": "condition_not_satisfied"
})";
    SnapshotMetadata m = metadata_from_json(icp, "metadata.json");
    EXPECT_EQ(m.taken_at_timestamp, 1796185726716000000ull);
    EXPECT_EQ(m.wasm_module_size, 15u);
    EXPECT_EQ(m.stable_memory_size, 9u);
    EXPECT_EQ(m.canister_version, 3u);
    ASSERT_EQ(m.globals.size(), 6u);
    EXPECT_EQ(m.globals[0].integer, 5);
    EXPECT_EQ(m.globals[1].v128, ic::candid::BigInt::from_u64(12));
    EXPECT_EQ(m.globals[2].v128, ic::candid::BigInt::from_u64(0));
    EXPECT_EQ(m.globals[3].v128, ic::candid::BigInt::from_u64(1ull << 32));
    // Candid's Nat also reads an integer and a decimal string.
    EXPECT_EQ(m.globals[4].v128, ic::candid::BigInt::from_u64(7));
    EXPECT_EQ(m.globals[5].v128.magnitude, ic::Bytes(16, 0xff));
    ASSERT_TRUE(m.global_timer);
    EXPECT_FALSE(m.global_timer->active);
    EXPECT_EQ(m.on_low_wasm_memory_hook_status, "condition_not_satisfied");
}

TEST(Metadata, RefusalsNameTheFileAndField) {
    auto refused = [](const std::string& json, const std::string& what) {
        try {
            metadata_from_json(json, "/b/metadata.json");
            ADD_FAILURE() << "accepted: " << json;
        } catch (const ic::Error& e) {
            EXPECT_EQ(e.kind(), ic::ErrorKind::Usage);
            EXPECT_NE(std::string(e.what()).find("/b/metadata.json"), std::string::npos)
                << e.what();
            EXPECT_NE(std::string(e.what()).find(what), std::string::npos) << e.what();
        }
    };
    std::string good = metadata_to_json(full_metadata());
    refused("not json", "not a JSON object");
    std::string no_size = good;
    no_size.replace(no_size.find("\"wasm_module_size\""), 18, "\"wasm_module_sizes\"");
    refused(no_size, "\"wasm_module_size\" is missing");
    std::string bad_byte = good;
    bad_byte.replace(bad_byte.find("255"), 3, "256");
    refused(bad_byte, "not a byte");
    std::string null_global = good;
    null_global.replace(null_global.find("\"globals\": ["), 12, "\"globals\": [null,");
    refused(null_global, "could not read");
}

TEST(Manifest, RoundTripsAndRefusesNamesOutsideTheFolder) {
    Manifest m;
    m.canister_id = "ryjl3-tyaaa-aaaaa-aaaba-cai";
    m.snapshot_id = {0, 0, 0, 1, 2};
    m.taken_at_timestamp = 99;
    m.files = {FileEntry{"metadata.json", 10, ic::sha256(ic::Bytes{1})},
               FileEntry{"wasm_chunk_store/ab.bin", 3, ic::sha256(ic::Bytes{2})}};
    EXPECT_EQ(manifest_from_json(manifest_to_json(m), "m"), m);
    Manifest outside = m;
    outside.files[1].name = "../secret";
    EXPECT_THROW(manifest_from_json(manifest_to_json(outside), "m"), ic::Error);
    std::string other_format = manifest_to_json(m);
    other_format.replace(other_format.find("\"format\": 1"), 11, "\"format\": 2");
    EXPECT_THROW(manifest_from_json(other_format, "m"), ic::Error);
}

TEST(DataFiles, BlobsOfNonZeroSizeThenChunks) {
    SnapshotMetadata m = full_metadata();
    m.wasm_memory_size = 0;
    auto files = data_files(m);
    ASSERT_EQ(files.size(), 3u);
    EXPECT_EQ(files[0].name, "wasm_module.bin");
    EXPECT_EQ(files[0].size, 15u);
    EXPECT_EQ(files[1].name, "stable_memory.bin");
    EXPECT_EQ(files[2].name, "wasm_chunk_store/ab" + std::string(62, '0') + ".bin");
    EXPECT_FALSE(files[2].blob);
    EXPECT_FALSE(files[2].size);
}

TEST(Files, HashFileStreamsAndWritesAreAtomic) {
    auto dir = scratch("hash");
    std::string text(3 << 20, 'x');
    write_file_atomically(dir / "a.bin", text);
    EXPECT_FALSE(std::filesystem::exists(dir / "a.bin.tmp"));
    FileEntry e = hash_file(dir, "a.bin");
    EXPECT_EQ(e.size, text.size());
    EXPECT_EQ(e.sha256, ic::sha256(ic::ByteView(reinterpret_cast<const std::uint8_t*>(text.data()),
                                                text.size())));
    EXPECT_THROW(hash_file(dir, "missing.bin"), ic::Error);
    std::filesystem::remove_all(dir);
}

}  // namespace
