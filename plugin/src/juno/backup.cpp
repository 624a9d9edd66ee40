#include "juno/backup.hpp"

#include "ic/error.hpp"
#include "juno/interrupt.hpp"
#include "juno/records.hpp"

namespace juno {

namespace {

// The IC's limit on snapshots per canister.
constexpr std::size_t max_snapshots = 10;

void check_policy(const BackupPolicy& policy) {
    if (policy.keep < 1 || policy.keep > max_snapshots) {
        throw ic::Error(
            ic::ErrorKind::Usage,
            "the number of backups to keep must be 1 to 10, got " + std::to_string(policy.keep));
    }
}

}  // namespace

BackupChoice choose_backup_slot(Context& context, const BackupPolicy& policy,
                                const std::vector<Snapshot>& backups, BackupPurpose purpose) {
    BackupChoice choice;
    if (backups.size() < policy.keep) return choice;
    if (!policy.overwrite) {
        choice.kept = BackupResult::KeptBecause::NoOverwrite;
        return choice;
    }
    auto guarded = protected_backup(context, backups, purpose);
    for (const auto& backup : backups) {  // oldest first
        if (guarded && backup.id == guarded->snapshot.id) continue;
        choice.victim = backup;
        return choice;
    }
    choice.kept = guarded->why;
    choice.guarded = guarded->snapshot;
    return choice;
}

namespace {

BackupResult kept(const std::vector<Snapshot>& backups, const BackupChoice& choice) {
    BackupResult result;
    result.outcome = BackupResult::Outcome::Kept;
    result.kept_because = *choice.kept;
    result.snapshot = choice.guarded ? *choice.guarded : *newest(backups);
    result.count = backups.size();
    return result;
}

}  // namespace

std::optional<ProtectedBackup> protected_backup(Context& context,
                                                const std::vector<Snapshot>& backups,
                                                BackupPurpose purpose) {
    if (!context.state) return std::nullopt;
    auto record = load_upgrade_record(context.state->upgrade_record());
    if (!record || !record->restore_point) return std::nullopt;
    auto listed = still_listed(backups, *record->restore_point);
    if (!listed) return std::nullopt;
    if (!record->completed)
        return ProtectedBackup{*listed, BackupResult::KeptBecause::UnfinishedUpgrade};
    if (purpose == BackupPurpose::Backup &&
        context.run.found.module_hash == record->new_module_hash) {
        return ProtectedBackup{*listed, BackupResult::KeptBecause::LatestUpgrade};
    }
    return std::nullopt;
}

BackupResult take_backup_while_stopped(Context& context, const BackupPolicy& policy,
                                       const std::vector<Snapshot>& backups,
                                       BackupPurpose purpose) {
    check_policy(policy);
    BackupChoice choice = choose_backup_slot(context, policy, backups, purpose);
    if (choice.kept) return kept(backups, choice);
    const auto& victim = choice.victim;
    if (victim) {
        context.progress("taking a backup of " + context.module.label() + ", replacing " +
                         backup_id(*victim) + " from " + format_time(victim->taken_at_timestamp));
    } else {
        context.progress("taking a backup of " + context.module.label());
    }
    std::optional<ic::Bytes> replace_id;
    if (victim) replace_id = victim->id;
    context.run.may_replace = replace_id;
    context.enter(Step::TakeSnapshot);
    BackupResult result;
    try {
        result.snapshot =
            context.management.take_canister_snapshot(context.module.canister, replace_id);
    } catch (const ic::Error& error) {
        // A lost answer (not a forged one: then nothing more is asked of that network) is
        // resolved by the list, which tells whether the snapshot was taken.
        if (outcome_known(error)) throw;
        auto unknown = [&](const char* why) {
            ic::rethrow_with_message(
                error, std::string(error.what()) + "\nThe IC may or may not have taken the backup" +
                           (victim ? " (which may have replaced " + backup_id(*victim) + ")" : "") +
                           why + " See the backups with: " + context.module.command_for("list"));
        };
        if (error.kind() != ic::ErrorKind::Network) unknown(": its answer could not be trusted.");
        std::vector<Snapshot> now;
        try {
            now = list_backups(context);
        } catch (const ic::Error&) {
            unknown("; its answer was lost.");
        }
        std::optional<Snapshot> taken;
        for (const auto& backup : now) {
            if (!still_listed(backups, backup)) taken = backup;
        }
        if (!taken) {
            // Not taken yet; unless the IC knows the call, it may still arrive until it expires.
            ic::RequestState state = ic::RequestState::Unknown;
            try {
                if (context.run.request_id) {
                    state = context.agent.request_state(context.module.canister,
                                                        *context.run.request_id);
                }
            } catch (const ic::Error&) {
            }
            bool settled =
                state == ic::RequestState::Rejected || state == ic::RequestState::Replied;
            ic::rethrow_with_message(
                error,
                std::string(error.what()) +
                    (settled ? "\nThe backup list shows that no backup was taken; no backup was "
                               "changed."
                             : "\nNo backup was taken so far, but the request may still arrive "
                               "until " +
                                   format_time(context.run.request_expiry) + " and take it" +
                                   (victim ? ", replacing " + backup_id(*victim) : "") +
                                   ". See the backups then with: " +
                                   context.module.command_for("list")));
        }
        context.progress("the answer was lost, but the backup list shows it was taken: " +
                         backup_id(*taken));
        result.snapshot = *taken;
    }
    result.outcome = victim ? BackupResult::Outcome::Replaced : BackupResult::Outcome::Added;
    result.replaced = victim;
    result.count = backups.size() + (victim ? 0 : 1);
    return result;
}

BackupResult backup(Context& context, const BackupPolicy& policy) {
    check_policy(policy);
    BackupResult result;
    bool stopping = false;
    bool snapshot_requested = false;
    try {
        // One round trip for what the decisions below need.
        FoundModule first = read_found_state_and_backups(context);
        const CanisterStatus& found = first.status;
        const ic::Principal& canister = context.module.canister;
        std::vector<Snapshot>& backups = first.backups;
        // A module without code has no state to save; the backups it holds (maybe the only copy
        // of what it held before it was emptied) are kept and counted.
        if (!found.module_hash) {
            result.outcome = BackupResult::Outcome::Skipped;
            result.count = backups.size();
            if (auto last = newest(backups)) result.snapshot = *last;
            result.final_state.status = found;
            return result;
        }
        // No work when nothing changed since the newest backup the helper took of this module.
        if (context.state) {
            auto record = load_backup_record(context.state->backup_record());
            std::optional<Snapshot> listed;
            if (record) listed = still_listed(backups, record->snapshot);
            if (listed && record->module_hash == found.module_hash &&
                record->version_after == found.version) {
                result.outcome = BackupResult::Outcome::Unchanged;
                result.snapshot = *listed;
                result.count = backups.size();
                result.final_state.status = found;
                return result;
            }
        }
        // Deciding before stopping spares a full module that keeps its backups a needless stop.
        if (auto choice = choose_backup_slot(context, policy, backups, BackupPurpose::Backup);
            choice.kept) {
            result = kept(backups, choice);
            result.final_state.status = found;
            return result;
        }
        stopping = true;
        // The canister version the snapshot holds, read beside the start: the IC's own word for
        // the state it saved, where a status read could come after the started module ran.
        std::optional<std::uint64_t> snapshot_version;
        auto read_snapshot_version = [&](ic::management::ManagementCanister& management) {
            if (result.outcome != BackupResult::Outcome::Added &&
                result.outcome != BackupResult::Outcome::Replaced)
                return;
            try {
                snapshot_version =
                    management.read_canister_snapshot_metadata(canister, result.snapshot.id)
                        .canister_version;
            } catch (const ic::Error&) {
                // Without it no record is kept: the next backup just takes another.
            }
        };
        const bool restarts = found.status == ic::management::CanisterRunState::Running;
        result.final_state = with_module_stopped(
            context,
            [&](const CanisterStatus&) {
                snapshot_requested = true;
                result = take_backup_while_stopped(context, policy, backups);
            },
            read_snapshot_version);
        if (context.state && snapshot_version) {
            try {
                // The start bumps the version once; nothing else runs before it.
                save_backup_record(
                    context.state->backup_record(),
                    {result.snapshot, found.module_hash, *snapshot_version + (restarts ? 1 : 0)});
            } catch (const ic::Error& error) {
                // The backup is taken; without its record the next backup just takes another.
                context.warn(error.what());
            }
        }
    } catch (const ModuleLeftStopped& error) {
        throw ModuleLeftStopped(error.kind(), "backup failed: " + std::string(error.what()));
    } catch (const ic::Error& error) {
        std::string message = "backup failed: " + std::string(error.what());
        FinalState now = stopping ? read_final_state_after(context, error) : FinalState{};
        std::string state =
            stopping ? context.module.label() + " is " + describe_final_state(context, now) + "."
                     : context.module.label() + " was not touched.";
        if (error.kind() == ic::ErrorKind::Interrupted) {
            // Signals are only acted on between steps: a snapshot requested was taken.
            message += "\n" +
                       std::string(snapshot_requested ? "The backup was taken. "
                                                      : "No backup was taken. ") +
                       state +
                       " Run the backup again with: " + context.module.command_for("backup");
        } else if (snapshot_requested && !outcome_known(error)) {
            message += "\n" + state;  // the snapshot step's message says what to check
        } else {
            message += "\nNo backup was changed. " + state + run_again(context, "backup", error);
        }
        ic::rethrow_with_message(error, message);
    }
    return result;
}

}  // namespace juno
