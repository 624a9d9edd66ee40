#include "juno/transfer/verify.hpp"

#include <fstream>
#include <map>

#include "ic/error.hpp"
#include "juno/interrupt.hpp"
#include "juno/transfer/juno_folder.hpp"
#include "juno/transfer/progress_log.hpp"

namespace juno::transfer {

namespace {

namespace fs = std::filesystem;
using ic::ErrorKind;

[[noreturn]] void refuse(const fs::path& file, const std::string& why) {
    throw ic::Error(ErrorKind::Usage,
                    file.string() + " " + why + "; the folder cannot be trusted as a backup");
}

// The SHA-256 of `size` bytes at `offset` of `path`.
ic::Hash hash_part(const fs::path& path, std::uint64_t offset, std::uint64_t size) {
    std::ifstream in(path, std::ios::binary);
    in.seekg(static_cast<std::streamoff>(offset));
    ic::Sha256 hasher;
    std::vector<char> buffer(1 << 20);
    while (size > 0 && in) {
        auto n = static_cast<std::streamsize>(std::min<std::uint64_t>(size, buffer.size()));
        in.read(buffer.data(), n);
        auto got = static_cast<std::size_t>(in.gcount());
        hasher.update(ic::ByteView(reinterpret_cast<const std::uint8_t*>(buffer.data()), got));
        size -= got;
        if (got == 0) break;
    }
    if (size > 0) refuse(path, "is shorter than its listed size");
    return hasher.finish();
}

// A folder Juno's CLI wrote: each file against its size and SHA-256 in metadata.json's "data",
// and the sizes there against the snapshot's.
CheckedFolder check_juno_folder(const fs::path& dir, const std::string& text) {
    const fs::path metadata_path = dir / metadata_file;
    JunoFolder juno = juno_folder_from_json(text, metadata_path.string());
    CheckedFolder folder;
    folder.format = FolderFormat::Juno;
    folder.metadata = juno.metadata;
    auto check = [&](const std::optional<JunoFile>& listed, std::uint64_t expected,
                     const char* part) -> std::optional<JunoFile> {
        if (expected == 0) return std::nullopt;
        if (!listed) {
            refuse(metadata_path, std::string("lists no file for the ") + part + " of " +
                                      std::to_string(expected) + " bytes");
        }
        const fs::path path = dir / listed->filename;
        std::error_code ec;
        if (!fs::exists(path, ec)) refuse(path, "is missing");
        interrupt::checkpoint();
        FileEntry actual = hash_file(dir, listed->filename);
        if (actual.size != listed->size) {
            refuse(path, "holds " + std::to_string(actual.size) +
                             " bytes, but metadata.json says " + std::to_string(listed->size));
        }
        if (actual.sha256 != listed->sha256)
            refuse(path, "does not match its SHA-256 in metadata.json");
        return listed;
    };
    const std::pair<SnapshotBlob, const std::optional<JunoFile>*> blobs[] = {
        {SnapshotBlob::WasmModule, &juno.wasm_module},
        {SnapshotBlob::WasmMemory, &juno.wasm_memory},
        {SnapshotBlob::StableMemory, &juno.stable_memory}};
    for (const auto& [blob, listed] : blobs) {
        std::uint64_t size = folder.metadata.size_of(blob);
        if (auto f = check(*listed, size, to_string(blob))) {
            if (f->size != size) {
                refuse(dir / f->filename, "holds " + std::to_string(f->size) +
                                              " bytes, but the snapshot's metadata says " +
                                              std::to_string(size));
            }
            folder.files.push_back(CheckedFile{f->filename, 0, blob, f->size, f->sha256});
            folder.total_bytes += f->size;
        }
    }
    const auto& chunks = folder.metadata.wasm_chunk_store;
    std::uint64_t store_size = 0;
    if (!chunks.empty()) {
        store_size = juno.wasm_chunk_store ? juno.wasm_chunk_store->size : 0;
        if (store_size == 0) store_size = 1;  // present but empty: refused below
    }
    if (auto store = check(juno.wasm_chunk_store, store_size, "Wasm chunk store")) {
        const fs::path path = dir / store->filename;
        std::uint64_t pieces = (store->size + juno_chunk_size - 1) / juno_chunk_size;
        if (pieces != chunks.size()) {
            refuse(path, "splits into " + std::to_string(pieces) + " pieces of " +
                             std::to_string(juno_chunk_size) + " bytes, but the snapshot has " +
                             std::to_string(chunks.size()) + " chunks");
        }
        for (std::size_t i = 0; i < chunks.size(); ++i) {
            std::uint64_t offset = i * juno_chunk_size;
            std::uint64_t size = std::min(juno_chunk_size, store->size - offset);
            if (hash_part(path, offset, size) != chunks[i]) {
                refuse(path, "piece " + std::to_string(i + 1) +
                                 " does not hash to the snapshot's chunk " + std::to_string(i + 1) +
                                 " (chunks of another size than " +
                                 std::to_string(juno_chunk_size) + " bytes cannot be split back)");
            }
            folder.files.push_back(
                CheckedFile{store->filename, offset, std::nullopt, size, chunks[i]});
            folder.total_bytes += size;
        }
    }
    return folder;
}

}  // namespace

const char* to_string(FolderFormat format) {
    switch (format) {
        case FolderFormat::Helper:
            return "juno-helper download";
        case FolderFormat::Icp:
            return "icp canister snapshot download";
        case FolderFormat::Juno:
            return "juno snapshot download";
    }
    return "unknown";
}

CheckedFolder check_folder(const fs::path& dir) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) {
        throw ic::Error(ErrorKind::Usage, dir.string() + " is not a folder");
    }
    if (fs::exists(dir / download_progress_file, ec) && !fs::exists(dir / manifest_file, ec)) {
        throw ic::Error(ErrorKind::Usage,
                        dir.string() + " holds an unfinished download (" + download_progress_file +
                            "); finish it by running the same juno-helper download --dir " +
                            dir.string() + " again");
    }
    if (fs::exists(dir / ".download_progress.json", ec)) {
        throw ic::Error(ErrorKind::Usage, dir.string() +
                                              " holds an unfinished icp download "
                                              "(.download_progress.json); finish it with icp "
                                              "canister snapshot download --resume");
    }
    const fs::path metadata_path = dir / metadata_file;
    if (!fs::exists(metadata_path, ec)) refuse(metadata_path, "is missing");
    if (!fs::exists(dir / manifest_file, ec)) {
        std::string text = read_text_file(metadata_path);
        if (is_juno_metadata(text)) return check_juno_folder(dir, text);
    }
    CheckedFolder folder;
    std::map<std::string, FileEntry> listed;
    if (fs::exists(dir / manifest_file, ec)) {
        folder.format = FolderFormat::Helper;
        folder.manifest =
            manifest_from_json(read_text_file(dir / manifest_file), (dir / manifest_file).string());
        for (const auto& f : folder.manifest->files) listed[f.name] = f;
        auto m = listed.find(metadata_file);
        if (m == listed.end()) refuse(dir / manifest_file, "does not list metadata.json");
        FileEntry actual = hash_file(dir, metadata_file);
        if (actual.size != m->second.size || actual.sha256 != m->second.sha256)
            refuse(metadata_path, "does not match the manifest (its size or SHA-256 differ)");
    }
    folder.metadata = metadata_from_json(read_text_file(metadata_path), metadata_path.string());
    auto expected = data_files(folder.metadata);
    if (folder.manifest) {
        std::size_t known = 1;  // metadata.json
        for (const auto& f : expected) known += listed.count(f.name);
        if (known != listed.size() || known != expected.size() + 1) {
            refuse(dir / manifest_file, "lists other files than metadata.json implies (" +
                                            std::to_string(listed.size()) + " listed, " +
                                            std::to_string(expected.size() + 1) + " expected)");
        }
    }
    for (const auto& f : expected) {
        interrupt::checkpoint();
        const fs::path path = dir / f.name;
        if (!fs::exists(path, ec)) refuse(path, "is missing");
        FileEntry actual = hash_file(dir, f.name);
        if (f.size && actual.size != *f.size) {
            refuse(path, "holds " + std::to_string(actual.size) +
                             " bytes, but metadata.json says " + std::to_string(*f.size));
        }
        if (!f.blob && actual.sha256 != f.chunk_hash) {
            refuse(path, "does not hash to its name (a chunk's name is its SHA-256)");
        }
        if (folder.manifest) {
            const FileEntry& want = listed.at(f.name);
            if (actual.size != want.size) {
                refuse(path, "holds " + std::to_string(actual.size) +
                                 " bytes, but the manifest says " + std::to_string(want.size));
            }
            if (actual.sha256 != want.sha256)
                refuse(path, "does not match its SHA-256 in the manifest");
        }
        folder.files.push_back(CheckedFile{f.name, 0, f.blob, actual.size, actual.sha256});
        folder.total_bytes += actual.size;
    }
    return folder;
}

}  // namespace juno::transfer
