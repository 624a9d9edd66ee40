#include "juno/backup.hpp"

#include "ic/error.hpp"
#include "juno/lifecycle.hpp"

namespace juno {

namespace {

// The IC's limit on snapshots per canister.
constexpr std::size_t max_snapshots = 10;

}  // namespace

BackupResult take_backup_while_stopped(Context& context, const BackupPolicy& policy,
                                       const std::optional<Snapshot>& replace) {
    if (policy.keep < 1 || policy.keep > max_snapshots) {
        throw ic::Error(
            ic::ErrorKind::Usage,
            "the number of backups to keep must be 1 to 10, got " + std::to_string(policy.keep));
    }
    auto backups = list_backups(context);
    BackupResult result;
    std::optional<Snapshot> victim = replace;
    if (!victim && backups.size() >= policy.keep) {
        if (!policy.overwrite) {
            result.outcome = BackupResult::Outcome::Kept;
            result.snapshot = *newest(backups);
            result.count = backups.size();
            return result;
        }
        victim = *oldest(backups);
    }
    if (victim) {
        context.progress("taking a backup of " + context.module.label() + ", replacing " +
                         backup_id(*victim) + " from " + format_time(victim->taken_at_timestamp));
    } else {
        context.progress("taking a backup of " + context.module.label());
    }
    std::optional<ic::Bytes> replace_id;
    if (victim) replace_id = victim->id;
    result.snapshot =
        context.management.take_canister_snapshot(context.module.canister, replace_id);
    result.outcome = victim ? BackupResult::Outcome::Replaced : BackupResult::Outcome::Added;
    result.replaced = victim;
    result.count = backups.size() + (victim ? 0 : 1);
    return result;
}

BackupResult backup(Context& context, const BackupPolicy& policy) {
    BackupResult result;
    bool stopping = false;
    bool snapshot_requested = false;
    try {
        if (!context.management.canister_status(context.module.canister).module_hash) {
            result.outcome = BackupResult::Outcome::Skipped;
            return result;
        }
        // Deciding before stopping spares a full module with overwriting off a needless stop.
        if (!policy.overwrite) {
            auto backups = list_backups(context);
            if (backups.size() >= policy.keep) {
                result.outcome = BackupResult::Outcome::Kept;
                result.snapshot = *newest(backups);
                result.count = backups.size();
                return result;
            }
        }
        stopping = true;
        with_module_stopped(context, [&] {
            snapshot_requested = true;
            result = take_backup_while_stopped(context, policy);
            result.version_at_snapshot =
                context.management.canister_status(context.module.canister).version;
        });
    } catch (const ic::Error& error) {
        std::string message = "backup failed: " + std::string(error.what());
        if (left_module_stopped(error)) {
            // The message already says how to start the module.
        } else if (snapshot_requested && !outcome_known(error)) {
            message +=
                "\nThe IC may or may not have taken the backup (its answer was lost or "
                "could not be trusted); " +
                context.module.label() + " is running again. See which backups it holds with: " +
                context.module.command_for("list");
        } else {
            message += "\nNo backup was changed, and " + context.module.label() +
                       (stopping ? " is running again." : " was not touched.") +
                       " Run the backup again with: " + context.module.command_for("backup");
        }
        ic::rethrow_with_message(error, message);
    }
    return result;
}

}  // namespace juno
