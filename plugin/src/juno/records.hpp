// What the helper remembers about a module between runs (state_files.hpp says where):
//
// - BackupRecord: the newest backup the helper took and the module's state it holds (module hash
//   and canister version). A backup step uses it to take no new backup of a module that has not
//   changed; the upgrade step that follows it uses it to know whether that backup is the exact
//   restore point. It is trusted only while its backup is still in the module's list.
// - UpgradeRecord: the latest upgrade and the backup that is its restore point, written before the
//   install and marked completed after it. A backup never replaces the restore point of an
//   upgrade that has not completed; nor, while the module still runs the module the latest upgrade
//   installed, that upgrade's restore point: re-running `juno_upgrade` with an unchanged Wasm (a
//   pipeline deploying every push) must not turn the only way back into a copy of the new version.
//   The next upgrade secures its own restore point and replaces the record.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>

#include "ic/bytes.hpp"
#include "juno/snapshots.hpp"

namespace juno {

struct BackupRecord {
    Snapshot snapshot;
    std::optional<ic::Bytes> module_hash;  // of the module the backup holds
    // The canister version once the backup run ended: the version the snapshot holds (its
    // metadata's canister_version), plus one for the start that followed when the run started
    // the module again. Unchanged since, the module still holds what the backup holds; a change
    // by anyone in between only makes the module's version higher, and another backup is taken.
    std::uint64_t version_after = 0;
};

struct UpgradeRecord {
    std::optional<Snapshot> restore_point;  // none: the upgrade ran without a backup
    ic::Bytes new_module_hash;
    std::optional<ic::Bytes> previous_module_hash;
    bool completed = false;  // the install went through
    // SHA-256 of the install argument it passed (empty argument included); none in records of
    // older helpers. Lets an unchanged Wasm with a changed argument be upgraded.
    std::optional<ic::Bytes> install_arg_hash;
};

// Each reader returns nothing when there is no record; a record that cannot be read is treated
// as absent (a damaged file never causes a change, only a backup the helper would otherwise skip).
void save_backup_record(const std::filesystem::path& file, const BackupRecord& record);
std::optional<BackupRecord> load_backup_record(const std::filesystem::path& file);

void save_upgrade_record(const std::filesystem::path& file, const UpgradeRecord& pending);
std::optional<UpgradeRecord> load_upgrade_record(const std::filesystem::path& file);

void forget_record(const std::filesystem::path& file);

// The backup in `backups` with the id of `snapshot`, if it is still there.
std::optional<Snapshot> still_listed(const std::vector<Snapshot>& backups, const ic::Bytes& id);
std::optional<Snapshot> still_listed(const std::vector<Snapshot>& backups,
                                     const Snapshot& snapshot);

}  // namespace juno
