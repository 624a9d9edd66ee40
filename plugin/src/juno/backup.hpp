// juno-helper backup: a snapshot of a stopped module, keeping at most `keep` backups.
#pragma once

#include <optional>
#include <vector>

#include "juno/module.hpp"
#include "juno/snapshots.hpp"

namespace juno {

struct BackupPolicy {
    unsigned keep = 1;      // 1..10
    bool overwrite = true;  // false: a full module keeps its backups and gets no new one
};

struct BackupResult {
    // Skipped: the module has no code installed, so there is nothing to back up (the IC refuses
    // snapshots of empty canisters).
    enum class Outcome { Added, Replaced, Kept, Skipped } outcome = Outcome::Added;
    Snapshot snapshot;                 // the new backup, or (Kept) the newest existing one
    std::optional<Snapshot> replaced;  // Replaced: the backup it took the place of
    std::size_t count = 0;             // backups the module holds afterwards
    // The canister version while stopped, right after the snapshot (not set when Kept).
    std::uint64_t version_at_snapshot = 0;
};

// Decides and takes the backup of a module that is already stopped: adds one below `keep`,
// replaces the oldest at `keep` while overwriting is allowed, else keeps what is there.
// `replace` forces which backup to replace (the upgrade retaking its own restore point).
BackupResult take_backup_while_stopped(Context& context, const BackupPolicy& policy,
                                       const std::optional<Snapshot>& replace = std::nullopt);

// The whole backup: stop, take (as above), start again always.
BackupResult backup(Context& context, const BackupPolicy& policy);

}  // namespace juno
