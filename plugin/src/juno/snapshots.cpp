#include "juno/snapshots.hpp"

#include <algorithm>

#include "ic/error.hpp"
#include "juno/records.hpp"

namespace juno {

std::vector<Snapshot> list_backups(Context& context) {
    return list_backups(context.management, context.module.canister);
}

std::vector<Snapshot> list_backups(ic::management::ManagementCanister& management,
                                   const ic::Principal& canister) {
    auto backups = management.list_canister_snapshots(canister);
    std::stable_sort(backups.begin(), backups.end(), [](const Snapshot& a, const Snapshot& b) {
        return a.taken_at_timestamp < b.taken_at_timestamp;
    });
    return backups;
}

const Snapshot* newest(const std::vector<Snapshot>& backups) {
    return backups.empty() ? nullptr : &backups.back();
}

const Snapshot* oldest(const std::vector<Snapshot>& backups) {
    return backups.empty() ? nullptr : &backups.front();
}

std::string backup_id(const Snapshot& snapshot) { return "0x" + ic::to_hex(snapshot.id); }

const Snapshot& find_backup(const std::vector<Snapshot>& backups, const std::string& hex,
                            const Module& module) {
    ic::Bytes id = ic::from_hex(hex);
    for (const auto& backup : backups) {
        if (backup.id == id) return backup;
    }
    std::string known;
    for (const auto& backup : backups) {
        known += "\n  " + backup_id(backup) + "  taken " + format_time(backup.taken_at_timestamp);
    }
    if (backups.empty()) {
        throw ic::Error(ic::ErrorKind::Usage,
                        module.label() + " has no backup " + hex + "; it has no backups at all");
    }
    throw ic::Error(ic::ErrorKind::Usage,
                    module.label() + " has no backup " + hex + ". Its backups are:" + known);
}

DeleteResult delete_backups(Context& context, const std::optional<std::string>& hex, bool all) {
    if (all == hex.has_value()) {
        throw ic::Error(ic::ErrorKind::Usage, "say which backup to delete: --snapshot <id> (see " +
                                                  context.module.command_for("list") +
                                                  "), or --all");
    }
    auto backups = list_backups(context);
    std::vector<Snapshot> doomed;
    if (all) {
        doomed = backups;
    } else {
        doomed.push_back(find_backup(backups, *hex, context.module));
    }
    DeleteResult result;
    std::optional<UpgradeRecord> pending;
    if (context.state) pending = load_upgrade_record(context.state->upgrade_record());
    for (const auto& backup : doomed) {
        context.progress("deleting backup " + backup_id(backup) + " of " + context.module.label());
        context.run.snapshot = backup.id;
        try {
            context.enter(Step::DeleteSnapshot);
            context.management.delete_canister_snapshot(context.module.canister, backup.id);
        } catch (const ic::Error& error) {
            // A delete never stops the module; say what is gone and what is left to do.
            ic::rethrow_with_message(
                error,
                "delete failed: " + std::string(error.what()) + "\n" +
                    std::to_string(result.deleted.size()) + " of " + std::to_string(doomed.size()) +
                    " backup(s) were deleted before; " + context.module.label() +
                    " kept running. See its backups with: " + context.module.command_for("list"));
        }
        result.deleted.push_back(backup);
        // The owner deleted the restore point of an upgrade: nothing is left to protect.
        if (pending && pending->restore_point && pending->restore_point->id == backup.id) {
            forget_record(context.state->upgrade_record());
        }
    }
    result.remaining = backups.size() - doomed.size();
    return result;
}

}  // namespace juno
