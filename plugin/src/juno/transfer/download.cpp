#include "juno/transfer/download.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <exception>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "ic/error.hpp"
#include "juno/file_descriptor.hpp"
#include "juno/interrupt.hpp"
#include "juno/transfer/progress_log.hpp"

namespace juno::transfer {

namespace {

using ic::ErrorKind;
namespace fs = std::filesystem;

void write_at(int fd, const ic::Bytes& data, std::uint64_t offset, const fs::path& path) {
    std::size_t done = 0;
    while (done < data.size()) {
        ssize_t n =
            ::pwrite(fd, data.data() + done, data.size() - done, static_cast<off_t>(offset + done));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            throw ic::Error(ErrorKind::Usage,
                            "cannot write " + path.string() + ": " + std::strerror(errno));
        }
        done += static_cast<std::size_t>(n);
    }
}

// The SHA-256 of `size` bytes at `offset`, or nullopt when the file is shorter.
std::optional<ic::Hash> hash_region(int fd, std::uint64_t offset, std::uint64_t size) {
    std::vector<std::uint8_t> buffer(static_cast<std::size_t>(size));
    std::size_t done = 0;
    while (done < buffer.size()) {
        ssize_t n = ::pread(fd, buffer.data() + done, buffer.size() - done,
                            static_cast<off_t>(offset + done));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return std::nullopt;
        done += static_cast<std::size_t>(n);
    }
    return ic::sha256(buffer);
}

// One unit of work: a slice of a blob, or one whole chunk of the Wasm chunk store.
struct Piece {
    std::string name;
    std::optional<SnapshotBlob> blob;
    ic::Hash chunk_hash{};
    std::uint64_t offset = 0;
    std::uint64_t size = 0;  // chunks: unknown until read (0)
};

bool folder_is_empty(const fs::path& dir) {
    std::error_code ec;
    return !fs::exists(dir, ec) || fs::is_empty(dir, ec);
}

std::string short_id(const ic::Bytes& id) { return "0x" + ic::to_hex(id); }

}  // namespace

DownloadResult download(Context& context, const DownloadOptions& options) {
    const fs::path& dir = options.dir;
    const std::string canister = context.module.canister.to_text();
    std::error_code ec;
    if (fs::exists(dir / manifest_file, ec)) {
        Manifest done =
            manifest_from_json(read_text_file(dir / manifest_file), (dir / manifest_file).string());
        throw ic::Error(ErrorKind::Usage,
                        dir.string() + " already holds a complete download (backup " +
                            short_id(done.snapshot_id) + " of " + done.canister_id +
                            "); nothing was written. Choose another folder, or check it with: "
                            "juno-helper verify --dir " +
                            dir.string());
    }
    if (fs::exists(dir, ec) && !fs::is_directory(dir, ec)) {
        throw ic::Error(ErrorKind::Usage, dir.string() +
                                              " exists and is not a folder; nothing was "
                                              "written. Choose a folder.");
    }
    auto earlier = read_progress(dir / download_progress_file);
    if (!earlier && !folder_is_empty(dir)) {
        throw ic::Error(ErrorKind::Usage, dir.string() +
                                              " holds files but no download in progress (no " +
                                              download_progress_file +
                                              "); nothing was written. Choose an empty or "
                                              "new folder.");
    }
    if (earlier &&
        (earlier->header.operation != "download" || earlier->header.canister_id != canister)) {
        throw ic::Error(ErrorKind::Usage,
                        dir.string() + " holds an unfinished download of " +
                            earlier->header.canister_id + ", not of " + context.module.label() +
                            "; nothing was written. Continue it with: juno-helper download "
                            "--canister " +
                            earlier->header.canister_id + " --dir " + dir.string() +
                            ", or choose another folder.");
    }

    std::vector<Snapshot> backups = list_backups(context);
    if (backups.empty()) {
        throw ic::Error(ErrorKind::Usage, context.module.label() +
                                              " has no backup to download; nothing was written. "
                                              "Take one with: " +
                                              context.module.command_for("backup"));
    }
    DownloadResult result;
    if (options.snapshot) {
        result.snapshot = find_backup(backups, *options.snapshot, context.module);
    } else if (earlier) {
        result.snapshot =
            find_backup(backups, ic::to_hex(earlier->header.snapshot_id), context.module);
    } else {
        result.snapshot = *newest(backups);
    }
    if (earlier && earlier->header.snapshot_id != result.snapshot.id) {
        throw ic::Error(ErrorKind::Usage,
                        dir.string() + " holds an unfinished download of backup " +
                            short_id(earlier->header.snapshot_id) + ", not of " +
                            backup_id(result.snapshot) +
                            "; nothing was written. Continue it by leaving out --snapshot, or "
                            "choose another folder.");
    }
    const ic::Bytes& id = result.snapshot.id;
    SnapshotMetadata metadata =
        context.management.read_canister_snapshot_metadata(context.module.canister, id);
    const fs::path metadata_path = dir / metadata_file;
    fs::create_directories(dir / chunk_store_dir);
    std::optional<ProgressWriter> log;
    std::map<std::pair<std::string, std::uint64_t>, SliceRecord> claimed;
    if (earlier) {
        // The backup must be the one the earlier run began: same id and same metadata.
        bool same = false;
        try {
            same = metadata_from_json(read_text_file(metadata_path), metadata_path.string()) ==
                   metadata;
        } catch (const ic::Error&) {
            same = false;  // a missing or torn metadata.json is written again below
        }
        if (!same) write_file_atomically(metadata_path, metadata_to_json(metadata));
        for (const auto& s : earlier->slices) claimed[{s.name, s.offset}] = s;
        log.emplace(ProgressWriter::append_to(dir / download_progress_file));
        result.resumed = true;
    } else {
        log.emplace(ProgressWriter::create(dir / download_progress_file,
                                           ProgressHeader{"download", canister, id}));
        write_file_atomically(metadata_path, metadata_to_json(metadata));
    }

    // Open (and size) each blob file; list what is still to fetch, trusting nothing on disk
    // that does not hash as the record says.
    std::map<SnapshotBlob, FileDescriptor> files;
    std::vector<Piece> pending;
    std::uint64_t total = 0;
    std::uint64_t kept = 0;
    for (auto blob : all_blobs) {
        std::uint64_t size = metadata.size_of(blob);
        if (size == 0) continue;
        total += size;
        fs::path path = dir / blob_file(blob);
        FileDescriptor file = open_file(path, O_RDWR | O_CREAT);
        if (::ftruncate(file.get(), static_cast<off_t>(size)) != 0) {
            throw ic::Error(ErrorKind::Usage,
                            "cannot size " + path.string() + ": " + std::strerror(errno));
        }
        for (std::uint64_t offset = 0; offset < size;
             offset += ic::management::max_snapshot_slice) {
            std::uint64_t n = std::min(ic::management::max_snapshot_slice, size - offset);
            auto it = claimed.find({blob_file(blob), offset});
            if (it != claimed.end() && it->second.size == n) {
                interrupt::checkpoint();
                auto h = hash_region(file.get(), offset, n);
                if (h && *h == it->second.sha256) {
                    kept += n;
                    continue;
                }
            }
            pending.push_back(Piece{blob_file(blob), blob, {}, offset, n});
        }
        files.emplace(blob, std::move(file));
    }
    for (const auto& hash : metadata.wasm_chunk_store) {
        // A chunk's name is its hash: one on disk that hashes to its name is complete.
        std::string name = chunk_file(hash);
        if (fs::exists(dir / name, ec)) {
            FileEntry entry = hash_file(dir, name);
            if (entry.sha256 == hash) {
                total += entry.size;
                kept += entry.size;
                continue;
            }
        }
        pending.push_back(Piece{name, std::nullopt, hash, 0, 0});
    }
    if (result.resumed) {
        context.progress("continuing the download of backup " + backup_id(result.snapshot) +
                         " into " + dir.string() + ": " + format_size(kept) +
                         " on disk checked and kept");
    } else {
        context.progress("downloading backup " + backup_id(result.snapshot) + " of " +
                         context.module.label() + " (" + format_size(total) + ") into " +
                         dir.string());
    }

    std::atomic<std::size_t> next{0};
    std::mutex mutex;  // guards the log, the counters, failure and on_bytes
    std::uint64_t done = kept;
    std::exception_ptr failure;
    if (options.on_bytes) options.on_bytes(done, total);
    auto worker = [&](ic::Agent agent) {
        ic::management::ManagementCanister management(agent);
        while (true) {
            std::size_t slot = next.fetch_add(1);
            if (slot >= pending.size()) return;
            {
                std::lock_guard lock(mutex);
                if (failure) return;
            }
            const Piece& piece = pending[slot];
            try {
                interrupt::checkpoint();  // a signal ends the download between slices
                if (piece.blob) {
                    ic::Bytes data = management.read_canister_snapshot_data(
                        context.module.canister, id, *piece.blob, piece.offset, piece.size);
                    if (data.size() != piece.size) {
                        throw ic::Error(ErrorKind::Protocol,
                                        "the IC answered " + std::to_string(data.size()) +
                                            " bytes for a slice of " + piece.name + " of " +
                                            std::to_string(piece.size));
                    }
                    write_at(files.at(*piece.blob).get(), data, piece.offset, dir / piece.name);
                    SliceRecord record{piece.name, piece.offset, piece.size, ic::sha256(data)};
                    std::lock_guard lock(mutex);
                    log->add(record);
                    done += piece.size;
                    if (options.on_bytes) options.on_bytes(done, total);
                } else {
                    ic::Bytes data = management.read_canister_snapshot_chunk(
                        context.module.canister, id, piece.chunk_hash);
                    if (ic::sha256(data) != piece.chunk_hash) {
                        throw ic::Error(ErrorKind::Protocol,
                                        "the IC answered a chunk whose hash is not " +
                                            ic::to_hex(piece.chunk_hash));
                    }
                    write_file_atomically(
                        dir / piece.name,
                        std::string_view(reinterpret_cast<const char*>(data.data()), data.size()));
                    std::lock_guard lock(mutex);
                    total += data.size();
                    done += data.size();
                    if (options.on_bytes) options.on_bytes(done, total);
                }
            } catch (...) {
                std::lock_guard lock(mutex);
                if (!failure) failure = std::current_exception();
                return;
            }
        }
    };
    unsigned threads = static_cast<unsigned>(
        std::min<std::size_t>(std::max(1u, options.parallelism), pending.size()));
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < threads; ++t) pool.emplace_back(worker, context.agent.fork());
    for (auto& thread : pool) thread.join();
    if (failure) std::rethrow_exception(failure);
    result.fetched_bytes = done - kept;
    result.total_bytes = total;

    // Complete: flush the data, then hash every file into the manifest; the manifest is the mark
    // of a complete download, so it is written last.
    for (auto& [blob, file] : files) {
        if (::fsync(file.get()) != 0) {
            throw ic::Error(ErrorKind::Usage, "cannot flush " + (dir / blob_file(blob)).string() +
                                                  ": " + std::strerror(errno));
        }
    }
    files.clear();
    Manifest manifest;
    manifest.canister_id = canister;
    manifest.snapshot_id = id;
    manifest.taken_at_timestamp = metadata.taken_at_timestamp;
    manifest.files.push_back(hash_file(dir, metadata_file));
    for (const auto& f : data_files(metadata)) {
        interrupt::checkpoint();
        FileEntry entry = hash_file(dir, f.name);
        if (f.size && entry.size != *f.size) {
            throw ic::Error(ErrorKind::Usage, (dir / f.name).string() + " holds " +
                                                  std::to_string(entry.size) +
                                                  " bytes instead of " + std::to_string(*f.size) +
                                                  " (changed while downloading?); run the download "
                                                  "again");
        }
        manifest.files.push_back(std::move(entry));
    }
    write_file_atomically(dir / manifest_file, manifest_to_json(manifest));
    log.reset();
    fs::remove(dir / download_progress_file, ec);
    result.manifest = std::move(manifest);
    return result;
}

}  // namespace juno::transfer
