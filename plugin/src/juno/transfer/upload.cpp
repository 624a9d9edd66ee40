#include "juno/transfer/upload.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <exception>
#include <mutex>
#include <set>
#include <thread>

#include "ic/error.hpp"
#include "juno/file_descriptor.hpp"
#include "juno/interrupt.hpp"
#include "juno/journal.hpp"
#include "juno/records.hpp"
#include "juno/recovery.hpp"
#include "juno/transfer/progress_log.hpp"
#include "juno/transfer/unfinished_uploads.hpp"

namespace juno::transfer {

namespace {

using ic::ErrorKind;
namespace fs = std::filesystem;
using ic::management::max_snapshot_slice;

// Reads `size` bytes at `offset` of the file `fd`; throws naming `path` when it is shorter.
ic::Bytes read_at(int fd, std::uint64_t offset, std::uint64_t size, const fs::path& path) {
    ic::Bytes out(static_cast<std::size_t>(size));
    std::size_t done = 0;
    while (done < out.size()) {
        ssize_t n =
            ::pread(fd, out.data() + done, out.size() - done, static_cast<off_t>(offset + done));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            throw ic::Error(ErrorKind::Usage,
                            "cannot read " + path.string() + " (changed since it was checked?)");
        }
        done += static_cast<std::size_t>(n);
    }
    return out;
}

struct Piece {
    std::size_t file;  // index into CheckedFolder::files
    std::uint64_t offset = 0;
    std::uint64_t size = 0;
};

// The metadata a resumed upload must still match: metadata.json's size and SHA-256, recorded as
// the record's first line.
SliceRecord metadata_line(const fs::path& dir) {
    FileEntry entry = hash_file(dir, metadata_file);
    return SliceRecord{metadata_file, 0, entry.size, entry.sha256};
}

// Issue 10's rule for a backup: its module must be of the target's kind, unless allowed.
void check_kind(Context& context, const CheckedFolder& folder, const fs::path& dir,
                const PackageCheckOptions& checks) {
    if (!package_of_kind(checks.kind) || checks.allowed.count(PackageChange::Kind)) return;
    const CheckedFile* module = nullptr;
    for (const auto& f : folder.files) {
        if (f.blob == SnapshotBlob::WasmModule) module = &f;
    }
    if (!module) return;
    WasmFile wasm = read_wasm(dir / module->name);
    PackageMetadata next = read_wasm_package(wasm);
    auto status = context.management.canister_status(context.module.canister);
    PackageMetadata installed;
    if (status.module_hash) installed = read_installed_package(context);
    std::string reasons;
    for (const Finding& finding :
         find_package_changes(installed, status.module_hash.has_value(), next, checks.kind)) {
        if (finding.change == PackageChange::Kind) reasons += "\n  - " + finding.text;
    }
    if (reasons.empty()) return;
    throw ic::Error(ErrorKind::Usage,
                    "upload refused: the backup in " + dir.string() + " holds a module of " +
                        "another kind than " + context.module.label() + " (KIND " + checks.kind +
                        "); the Wasm module meant here is the backup's:" + reasons +
                        "\nNothing was uploaded. Allow it for this run with "
                        "--allow-package-change=kind (or JUNO_ALLOW_PACKAGE_CHANGE=kind).");
}

// Deletes the snapshots of this module's uploads that stopped part-way and whose folder no longer
// holds their progress record: nothing can finish them, and each takes a place of the module's
// snapshot limit while holding zeros where data is missing. Returns the backups left.
std::vector<Snapshot> clear_abandoned_uploads(Context& context, std::vector<Snapshot> backups) {
    if (!context.state) return backups;
    const fs::path file = context.state->unfinished_uploads();
    for (const auto& unfinished : load_unfinished_uploads(file)) {
        auto listed = still_listed(backups, unfinished.snapshot_id);
        if (listed && can_be_finished(unfinished)) continue;
        if (listed) {
            context.progress("backup " + backup_id(*listed) + " is an upload from " +
                             unfinished.dir.string() +
                             " that stopped part-way, and that folder no longer holds its "
                             "progress record (" +
                             upload_progress_file +
                             "), so it can never be finished: deleting it, since it holds zeros "
                             "where data is missing and takes a place among the backups");
            delete_backups(context, ic::to_hex(unfinished.snapshot_id), false);
            std::erase_if(backups, [&](const Snapshot& b) { return b.id == listed->id; });
        }
        remove_unfinished_upload(file, unfinished.snapshot_id);
    }
    return backups;
}

// Starts the record afresh with the snapshot known: header and metadata line, replacing what was
// there in one rename, so that a kill leaves either the pending record or this one.
ProgressWriter restart_record(const fs::path& path, const ProgressHeader& header,
                              const SliceRecord& metadata) {
    write_file_atomically(path, format_header(header) + format_slice(metadata));
    return ProgressWriter::append_to(path);
}

// The backups listed now that were not listed before and were created by a metadata upload: what
// a metadata call whose answer was lost may have created. A snapshot taken meanwhile (a backup by
// another run) is never taken for it: the upload would write into it, and the state file would
// name it an unfinished upload to delete.
std::vector<Snapshot> uploaded_since(Context& context, const std::vector<ic::Bytes>& before) {
    std::vector<Snapshot> out;
    for (const auto& b : list_backups(context)) {
        if (std::find(before.begin(), before.end(), b.id) != before.end()) continue;
        auto meta =
            context.management.read_canister_snapshot_metadata(context.module.canister, b.id);
        if (meta.source == "metadata_upload") out.push_back(b);
    }
    return out;
}

// An earlier run sent the metadata call and did not learn its answer (its record is pending).
// Waits while that call may still execute, then finds the snapshot it created among the backups:
// nullopt when it created none (it never arrived, or was refused).
std::optional<Snapshot> find_pending_snapshot(Context& context, const ProgressContents& earlier,
                                              const fs::path& dir) {
    if (!earlier.calls.empty()) {
        JournalRecord call;
        call.request_method = "upload_canister_snapshot_metadata";
        call.request_id = earlier.calls.back().request_id;
        call.request_expiry = 0;
        for (const auto& c : earlier.calls)
            call.request_expiry = std::max(call.request_expiry, c.expiry);
        wait_for_call_in_flight(context, call);
    }
    std::vector<Snapshot> created = uploaded_since(context, earlier.listed);
    if (created.size() > 1) {
        std::string ids;
        for (const auto& b : created) ids += " " + backup_id(b);
        throw ic::Error(ErrorKind::Usage,
                        "an earlier upload of " + dir.string() + " into " + context.module.label() +
                            " lost the answer to its metadata call, and since then these backups "
                            "appeared:" +
                            ids +
                            "; which one is the upload's cannot be told. Nothing was sent. "
                            "Delete the unfinished one with: " +
                            context.module.command_for("delete") +
                            " (JUNO_SNAPSHOT=<id>), remove " +
                            (dir / upload_progress_file).string() + " and upload again.");
    }
    if (created.empty()) return std::nullopt;
    return created.front();
}

}  // namespace

UploadResult upload(Context& context, const UploadOptions& options) {
    const fs::path& dir = options.dir;
    CheckedFolder folder = check_folder(dir);
    UploadResult result;
    result.format = folder.format;
    result.total_bytes = folder.total_bytes;
    const std::string target = context.module.canister.to_text();
    const fs::path record_path = dir / upload_progress_file;

    std::vector<Snapshot> backups = list_backups(context);
    std::optional<ProgressContents> earlier = read_progress(record_path);
    std::set<std::pair<std::string, std::uint64_t>> sent;
    ic::Bytes snapshot_id;
    std::optional<ProgressWriter> log;
    const bool ours = earlier && earlier->header.operation == "upload" &&
                      earlier->header.canister_id == target && !earlier->slices.empty() &&
                      earlier->slices.front() == metadata_line(dir);
    if (ours && !earlier->header.snapshot_id.empty()) {
        for (const auto& b : backups) {
            if (b.id == earlier->header.snapshot_id) result.snapshot = b;
        }
        if (result.snapshot.id == earlier->header.snapshot_id) {
            snapshot_id = earlier->header.snapshot_id;
            for (const auto& s : earlier->slices) sent.insert({s.name, s.offset});
            log.emplace(ProgressWriter::append_to(record_path));
            result.resumed = true;
            context.progress("continuing the upload of " + dir.string() + " into backup " +
                             backup_id(result.snapshot) + " of " + context.module.label());
        }
    } else if (ours) {
        // The earlier run's metadata call may have created a snapshot whose id it never learnt:
        // creating another would leave that one behind (and perhaps replace a backup for it).
        if (auto created = find_pending_snapshot(context, *earlier, dir)) {
            result.snapshot = *created;
            snapshot_id = created->id;
            log.emplace(restart_record(record_path, ProgressHeader{"upload", target, snapshot_id},
                                       metadata_line(dir)));
            if (context.state) {
                add_unfinished_upload(context.state->unfinished_uploads(), {snapshot_id, dir});
            }
            result.resumed = true;
            context.progress("the earlier run's metadata call created backup " +
                             backup_id(*created) +
                             " (its answer was lost); continuing the upload "
                             "of " +
                             dir.string() + " into it");
        }
    }
    if (!result.resumed) {
        check_kind(context, folder, dir, options.package_checks);
        backups = clear_abandoned_uploads(context, std::move(backups));
        // The record is what lets an interrupted upload continue: without it, a snapshot created
        // (perhaps replacing a backup) could not be finished. Check that it can be written first.
        if (::access(dir.c_str(), W_OK) != 0) {
            throw ic::Error(ErrorKind::Usage,
                            "upload keeps its progress record (" +
                                std::string(upload_progress_file) + ") in the folder, and " +
                                dir.string() +
                                " is not writable; nothing was uploaded. Copy the folder somewhere "
                                "writable and upload the copy.");
        }
        BackupChoice choice =
            choose_backup_slot(context, options.policy, backups, BackupPurpose::Backup);
        if (choice.kept) {
            std::string why = *choice.kept == BackupResult::KeptBecause::NoOverwrite
                                  ? "overwriting is off"
                                  : "the only backup it could replace, " +
                                        backup_id(*choice.guarded) +
                                        ", is an upgrade's restore point, which is kept";
            throw ic::Error(ErrorKind::Usage,
                            context.module.label() + " already holds " +
                                std::to_string(backups.size()) + " backup(s) (keep " +
                                std::to_string(options.policy.keep) + ") and " + why +
                                "; nothing was uploaded. Delete one with: " +
                                context.module.command_for("delete") +
                                " (JUNO_SNAPSHOT=<id>), or keep more (JUNO_BACKUP_KEEP, "
                                "juno-helper: --keep).");
        }
        result.replaced = choice.victim;
        std::optional<ic::Bytes> replace;
        if (choice.victim) replace = choice.victim->id;
        context.progress("uploading " + dir.string() + " (" + format_size(folder.total_bytes) +
                         ") into a new backup of " + context.module.label() +
                         (choice.victim ? ", replacing " + backup_id(*choice.victim) : ""));
        interrupt::checkpoint();
        // Recorded before the call is sent: its answer can be lost (a dropped connection, a
        // kill), and the snapshot it creates must then be found, not created a second time.
        log.emplace(
            restart_record(record_path, ProgressHeader{"upload", target, {}}, metadata_line(dir)));
        for (const auto& b : backups) log->add_listed(b.id);
        ic::Agent agent = context.agent.fork();
        agent.observe_calls([&](const std::string&, const ic::Hash& id, std::uint64_t expiry) {
            log->add_call(CallRecord{id, expiry});
        });
        try {
            snapshot_id =
                ic::management::ManagementCanister(agent).upload_canister_snapshot_metadata(
                    context.module.canister, replace, folder.metadata);
        } catch (const ic::RejectError&) {
            log.reset();  // the IC refused it: nothing was created
            std::error_code ignored;
            fs::remove(record_path, ignored);
            throw;
        } catch (const ic::Error& error) {
            // The answer was lost or could not be trusted: the backup list tells whether the call
            // created a snapshot, when it can be read.
            std::optional<Snapshot> created;
            if (error.kind() == ErrorKind::Network) {
                try {
                    auto found = uploaded_since(context, [&] {
                        std::vector<ic::Bytes> ids;
                        for (const auto& b : backups) ids.push_back(b.id);
                        return ids;
                    }());
                    if (found.size() == 1) created = found.front();
                } catch (const ic::Error&) {
                }
            }
            if (!created) {
                ic::rethrow_with_message(
                    error, std::string(error.what()) +
                               "\nThe IC may or may not have created the "
                               "new backup of " +
                               context.module.label() +
                               (choice.victim
                                    ? " (which may have replaced " + backup_id(*choice.victim) + ")"
                                    : std::string()) +
                               "; the module itself was not changed. " +
                               std::string(upload_progress_file) + " in " + dir.string() +
                               " records the call: the same command finds that backup and "
                               "continues into it, or creates it if the call never arrived.");
            }
            context.progress(
                "the answer to the metadata call was lost, but the backup list shows "
                "it created " +
                backup_id(*created));
            snapshot_id = created->id;
        }
        log.emplace(restart_record(record_path, ProgressHeader{"upload", target, snapshot_id},
                                   metadata_line(dir)));
        if (context.state) {
            add_unfinished_upload(context.state->unfinished_uploads(), {snapshot_id, dir});
        }
    }

    std::vector<FileDescriptor> files;
    std::vector<Piece> pending;
    std::uint64_t done = 0;
    for (std::size_t i = 0; i < folder.files.size(); ++i) {
        const CheckedFile& f = folder.files[i];
        files.push_back(open_file(dir / f.name, O_RDONLY));
        // Chunks go whole (at most 1 MiB each); blobs in slices.
        std::uint64_t step = f.blob ? max_snapshot_slice : std::max<std::uint64_t>(f.size, 1);
        for (std::uint64_t offset = 0; offset < f.size; offset += step) {
            std::uint64_t n = std::min(step, f.size - offset);
            if (sent.count({f.name, f.offset + offset})) {
                done += n;
            } else {
                pending.push_back(Piece{i, offset, n});
            }
        }
    }
    const std::uint64_t kept = done;
    std::atomic<std::size_t> next{0};
    std::mutex mutex;  // guards the log, done, failure and on_bytes
    std::exception_ptr failure;
    if (options.on_bytes) options.on_bytes(done, folder.total_bytes);
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
            const CheckedFile& f = folder.files[piece.file];
            try {
                interrupt::checkpoint();  // a signal ends the upload between slices
                ic::Bytes data = read_at(files[piece.file].get(), f.offset + piece.offset,
                                         piece.size, dir / f.name);
                if (f.blob) {
                    management.upload_canister_snapshot_data(context.module.canister, snapshot_id,
                                                             *f.blob, piece.offset, data);
                } else {
                    management.upload_canister_snapshot_chunk(context.module.canister, snapshot_id,
                                                              data);
                }
                std::lock_guard lock(mutex);
                log->add(
                    SliceRecord{f.name, f.offset + piece.offset, piece.size, ic::sha256(data)});
                done += piece.size;
                if (options.on_bytes) options.on_bytes(done, folder.total_bytes);
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
    if (failure) {
        try {
            std::rethrow_exception(failure);
        } catch (const ic::Error& error) {
            ic::rethrow_with_message(
                error, std::string(error.what()) + "\nBackup 0x" + ic::to_hex(snapshot_id) +
                           " of " + context.module.label() +
                           " is not complete yet (the upload stopped part-way); the module itself "
                           "was not changed.");
        }
    }
    result.sent_bytes = done - kept;
    log.reset();
    // The state file's line first: a progress record left alone only lets the same command
    // complete the upload again, while a line left alone would have its backup deleted.
    if (context.state) remove_unfinished_upload(context.state->unfinished_uploads(), snapshot_id);
    std::error_code ec;
    fs::remove(record_path, ec);
    // The upload is complete: a lost answer here only costs the listed size and time.
    try {
        for (const auto& b : list_backups(context)) {
            if (b.id == snapshot_id) result.snapshot = b;
        }
    } catch (const ic::Error& error) {
        if (error.kind() != ErrorKind::Network) throw;
        context.progress("uploaded; the backup list could not be read to show it (" +
                         std::string(error.what()) + ")");
    }
    if (result.snapshot.id != snapshot_id) {
        result.snapshot =
            Snapshot{snapshot_id, folder.metadata.taken_at_timestamp, folder.total_bytes};
    }
    return result;
}

}  // namespace juno::transfer
