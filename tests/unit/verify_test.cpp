#include "juno/transfer/verify.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "ic/error.hpp"
#include "juno/transfer/progress_log.hpp"

namespace {

using namespace juno::transfer;
namespace fs = std::filesystem;

void write(const fs::path& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
}

// A folder as juno-helper download leaves it: a module, a stable memory, one chunk, a manifest.
fs::path complete_folder(const std::string& name, bool with_manifest = true) {
    fs::path dir = fs::temp_directory_path() / ("juno_verify_" + name);
    fs::remove_all(dir);
    fs::create_directories(dir / chunk_store_dir);
    std::string chunk = "a chunk";
    ic::Hash chunk_hash =
        ic::sha256(ic::ByteView(reinterpret_cast<const std::uint8_t*>(chunk.data()), chunk.size()));
    SnapshotMetadata m;
    m.wasm_module_size = 4;
    m.stable_memory_size = 6;
    m.wasm_chunk_store = {chunk_hash};
    write(dir / metadata_file, metadata_to_json(m));
    write(dir / "wasm_module.bin", "wasm");
    write(dir / "stable_memory.bin", "stable");
    write(dir / chunk_file(chunk_hash), chunk);
    if (with_manifest) {
        Manifest manifest;
        manifest.canister_id = "ryjl3-tyaaa-aaaaa-aaaba-cai";
        manifest.snapshot_id = {1};
        manifest.files.push_back(hash_file(dir, metadata_file));
        for (const auto& f : data_files(m)) manifest.files.push_back(hash_file(dir, f.name));
        write(dir / manifest_file, manifest_to_json(manifest));
    }
    return dir;
}

void expect_refused(const fs::path& dir, const std::string& file, const std::string& why) {
    try {
        check_folder(dir);
        ADD_FAILURE() << "accepted " << dir;
    } catch (const ic::Error& e) {
        EXPECT_EQ(e.kind(), ic::ErrorKind::Usage);
        EXPECT_NE(std::string(e.what()).find((dir / file).string()), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find(why), std::string::npos) << e.what();
    }
}

TEST(CheckFolder, AcceptsACompleteFolderAndSaysWhatItHolds) {
    CheckedFolder folder = check_folder(complete_folder("ok"));
    EXPECT_EQ(folder.format, FolderFormat::Helper);
    ASSERT_EQ(folder.files.size(), 3u);
    EXPECT_EQ(folder.files[0].name, "wasm_module.bin");
    EXPECT_EQ(folder.files[1].name, "stable_memory.bin");
    EXPECT_FALSE(folder.files[2].blob);
    EXPECT_EQ(folder.total_bytes, 4u + 6u + 7u);
}

TEST(CheckFolder, AFolderWithoutManifestIsIcps) {
    EXPECT_EQ(check_folder(complete_folder("icp", false)).format, FolderFormat::Icp);
}

TEST(CheckFolder, RefusesAFlippedByteNamingTheFile) {
    auto dir = complete_folder("flipped");
    write(dir / "stable_memory.bin", "stabLe");
    expect_refused(dir, "stable_memory.bin", "does not match its SHA-256 in the manifest");
}

TEST(CheckFolder, RefusesATruncatedFileEvenWithoutManifest) {
    auto dir = complete_folder("truncated", false);
    write(dir / "wasm_module.bin", "wa");
    expect_refused(dir, "wasm_module.bin", "holds 2 bytes, but metadata.json says 4");
}

TEST(CheckFolder, RefusesAChunkThatDoesNotHashToItsName) {
    auto dir = complete_folder("chunk", false);
    for (const auto& entry : fs::directory_iterator(dir / chunk_store_dir)) {
        write(entry.path(), "another chunk");
        expect_refused(dir, chunk_store_dir, "does not hash to its name");
    }
}

TEST(CheckFolder, RefusesAManifestListingOtherFiles) {
    auto dir = complete_folder("extra");
    auto manifest = manifest_from_json(read_text_file(dir / manifest_file), "m");
    manifest.files.push_back(FileEntry{"extra.bin", 0, {}});
    write(dir / manifest_file, manifest_to_json(manifest));
    expect_refused(dir, manifest_file, "lists other files than metadata.json implies");
}

TEST(CheckFolder, RefusesAnUnfinishedDownload) {
    auto dir = complete_folder("unfinished", false);
    ProgressWriter::create(dir / download_progress_file, ProgressHeader{"download", "x", {1}});
    try {
        check_folder(dir);
        FAIL();
    } catch (const ic::Error& e) {
        EXPECT_NE(std::string(e.what()).find("unfinished download"), std::string::npos);
    }
}

}  // namespace
