// juno-helper backup: a snapshot of a stopped module, keeping at most `keep` backups.
#pragma once

#include <optional>
#include <vector>

#include "juno/lifecycle.hpp"
#include "juno/module.hpp"
#include "juno/snapshots.hpp"

namespace juno {

struct BackupPolicy {
    unsigned keep = 1;      // 1..10
    bool overwrite = true;  // false: a full module keeps its backups and gets no new one
};

struct BackupResult {
    enum class Outcome {
        Added,      // a new backup, below `keep`
        Replaced,   // a new backup in place of `replaced`
        Kept,       // no new backup: the module is full and `kept_because` says why
        Unchanged,  // no new backup: `snapshot` already holds the module's state; not stopped
        Skipped,    // no module installed: nothing to back up (the IC refuses empty snapshots)
    } outcome = Outcome::Added;
    enum class KeptBecause {
        NoOverwrite,        // overwriting is off
        UnfinishedUpgrade,  // the only one to replace is an unfinished upgrade's restore point
        LatestUpgrade,      // ... is the restore point of the upgrade that installed the module
    } kept_because = KeptBecause::NoOverwrite;
    Snapshot snapshot;                 // the new backup, or the newest / unchanged existing one
    std::optional<Snapshot> replaced;  // Replaced: the backup it took the place of
    std::size_t count = 0;             // backups the module holds afterwards
    FinalState final_state;            // read at the end
};

// Why a backup is taken: on its own, or as the restore point of an upgrade about to install.
enum class BackupPurpose { Backup, UpgradeRestorePoint };

// Where a new backup goes among `backups` (oldest first) under `policy`: below `keep`, nowhere in
// particular (no victim, not kept); at `keep`, in place of the oldest while overwriting is allowed
// and it is not a protected restore point (victim); else nowhere (kept, and why; guarded: the
// protected backup that stopped it). A backup taken on the IC and one uploaded from a folder
// follow the same rule.
struct BackupChoice {
    std::optional<Snapshot> victim;
    std::optional<BackupResult::KeptBecause> kept;
    std::optional<Snapshot> guarded;
};
BackupChoice choose_backup_slot(Context& context, const BackupPolicy& policy,
                                const std::vector<Snapshot>& backups, BackupPurpose purpose);

// Decides and takes the backup of a module that is already stopped, among `backups` (its list,
// oldest first): adds one below `keep`; at `keep`, replaces the oldest while overwriting is
// allowed, but never a protected restore point (protected_backup); else keeps what is there. A
// lost answer is resolved by listing the backups again; when even that fails, the error says which
// backup may have been replaced.
BackupResult take_backup_while_stopped(Context& context, const BackupPolicy& policy,
                                       const std::vector<Snapshot>& backups,
                                       BackupPurpose purpose = BackupPurpose::Backup);

// The whole backup: no work when the module has not changed since the newest backup the helper
// took; else stop (unless its owner had it stopped), take (as above), start again always.
BackupResult backup(Context& context, const BackupPolicy& policy);

// The backup that must not be replaced now, and why (records.hpp): the restore point of an
// unfinished upgrade; or, for a plain backup while the module runs what the latest upgrade
// installed, that upgrade's restore point. An upgrade securing its own restore point may replace
// the latest upgrade's.
struct ProtectedBackup {
    Snapshot snapshot;
    BackupResult::KeptBecause why;
};
std::optional<ProtectedBackup> protected_backup(Context& context,
                                                const std::vector<Snapshot>& backups,
                                                BackupPurpose purpose);

}  // namespace juno
