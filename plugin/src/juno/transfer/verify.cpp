#include "juno/transfer/verify.hpp"

#include <map>

#include "ic/error.hpp"
#include "juno/interrupt.hpp"
#include "juno/transfer/progress_log.hpp"

namespace juno::transfer {

namespace {

namespace fs = std::filesystem;
using ic::ErrorKind;

[[noreturn]] void refuse(const fs::path& file, const std::string& why) {
    throw ic::Error(ErrorKind::Usage,
                    file.string() + " " + why + "; the folder cannot be trusted as a backup");
}

}  // namespace

const char* to_string(FolderFormat format) {
    switch (format) {
        case FolderFormat::Helper:
            return "juno-helper download";
        case FolderFormat::Icp:
            return "icp canister snapshot download";
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
        folder.files.push_back(CheckedFile{f.name, f.blob, actual.size, actual.sha256});
        folder.total_bytes += actual.size;
    }
    return folder;
}

}  // namespace juno::transfer
