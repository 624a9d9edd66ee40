// juno-helper upload: a backup folder (written by juno-helper download or by icp) into a
// module's backups, the same module or another the identity controls, by
// upload_canister_snapshot_metadata and _data, many slices at a time. Every file is checked
// (verify.hpp) before anything is sent. The module is not stopped: the new backup is only
// loaded by a restore.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>

#include "juno/backup.hpp"
#include "juno/module.hpp"
#include "juno/package.hpp"
#include "juno/snapshots.hpp"
#include "juno/transfer/byte_progress.hpp"
#include "juno/transfer/verify.hpp"

namespace juno::transfer {

struct UploadOptions {
    std::filesystem::path dir;
    BackupPolicy policy;  // as a backup: below keep adds, at keep replaces the oldest or refuses
    // The target's KIND and the allowed changes: a backup whose Wasm module is of another kind
    // (juno:package) than a satellite, mission_control or orbiter is refused unless `kind` is
    // allowed. Downgrades and skipped versions are what restoring a backup is for: not checked.
    PackageCheckOptions package_checks;
    // Slices in flight. Each holds its slice about five times over while it is encoded, signed
    // and sent (about 10 MB), so fewer than a download's keep the peak memory under 64 MiB.
    unsigned parallelism = 3;
    ByteProgress on_bytes;
};

struct UploadResult {
    Snapshot snapshot;                 // the new backup
    std::optional<Snapshot> replaced;  // the backup it took the place of
    FolderFormat format = FolderFormat::Icp;
    std::uint64_t total_bytes = 0;
    std::uint64_t sent_bytes = 0;  // by this run
    bool resumed = false;          // continued an interrupted upload into the same snapshot
};

// Throws ic::Error (Usage), with nothing sent, when a file of the folder fails its check (naming
// it), when its Wasm module is of another kind than the target, and when the module is full and
// the policy keeps its backups. A failure or interruption once the metadata call may have been
// sent leaves a record (juno-upload-progress.log) in the folder: the same command continues into
// the same snapshot, also when the metadata call's answer was lost (it finds the snapshot that call
// created among the backups, after waiting while the call may still execute).
UploadResult upload(Context& context, const UploadOptions& options);

}  // namespace juno::transfer
