#include "juno/restore.hpp"

#include "ic/error.hpp"
#include "juno/lifecycle.hpp"
#include "juno/records.hpp"

namespace juno {

RestoreResult restore(Context& context, const std::optional<std::string>& hex) {
    std::vector<Snapshot> backups;
    try {
        read_found_state(context);
        backups = list_backups(context);
    } catch (const ic::Error& error) {
        fail_untouched(context, "restore", error);
    }
    if (backups.empty()) {
        throw ic::Error(ic::ErrorKind::Usage, context.module.label() +
                                                  " has no backup to restore; it was not "
                                                  "touched. Take one with: " +
                                                  context.module.command_for("backup"));
    }
    RestoreResult result;
    result.restored = hex ? find_backup(backups, *hex, context.module) : *newest(backups);
    bool load_requested = false;
    try {
        result.final_state = with_module_stopped(context, [&](const CanisterStatus&) {
            context.progress("restoring backup " + backup_id(result.restored) + " from " +
                             format_time(result.restored.taken_at_timestamp));
            context.run.snapshot = result.restored.id;
            load_requested = true;
            context.enter(Step::LoadSnapshot);
            context.management.load_canister_snapshot(context.module.canister, result.restored.id);
        });
    } catch (const ModuleLeftStopped& error) {
        throw ModuleLeftStopped(error.kind(), "restore failed: " + std::string(error.what()));
    } catch (const ic::Error& error) {
        std::string state = context.module.label() + " is " +
                            describe_final_state(context, read_final_state_after(context, error));
        std::string message = error.what();
        if (load_requested && !outcome_known(error)) {
            message +=
                "\nThe IC may or may not have loaded the backup (its answer was lost or "
                "could not be trusted); " +
                state + " and the backup is unchanged. Check the module with: " +
                context.module.command_for("status") +
                ", and restore again if needed: " + context.module.command_for("restore");
        } else {
            message += "\nNothing was restored: " + state +
                       ", in the state it had before; the backup is unchanged. Try again with: " +
                       context.module.command_for("restore");
        }
        ic::rethrow_with_message(error, "restore failed: " + message);
    }
    // Loading a backup of another module than the latest upgrade installed undoes that upgrade:
    // its restore point has nothing left to protect. A backup of the upgraded module keeps it.
    if (context.state && result.final_state.status) {
        auto latest = load_upgrade_record(context.state->upgrade_record());
        if (latest && result.final_state.status->module_hash != latest->new_module_hash) {
            forget_record(context.state->upgrade_record());
        }
    }
    return result;
}

}  // namespace juno
