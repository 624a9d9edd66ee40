#include "juno/restore.hpp"

#include "ic/error.hpp"
#include "juno/lifecycle.hpp"

namespace juno {

Snapshot restore(Context& context, const std::optional<std::string>& hex) {
    auto backups = list_backups(context);
    if (backups.empty()) {
        throw ic::Error(ic::ErrorKind::Usage, context.module.label() +
                                                  " has no backup to restore. Take one with: " +
                                                  context.module.command_for("backup"));
    }
    Snapshot chosen = hex ? find_backup(backups, *hex, context.module) : *newest(backups);
    try {
        with_module_stopped(context, [&] {
            context.progress("restoring backup " + backup_id(chosen) + " from " +
                             format_time(chosen.taken_at_timestamp));
            context.management.load_canister_snapshot(context.module.canister, chosen.id);
        });
    } catch (const ic::Error& error) {
        std::string message = error.what();
        if (left_module_stopped(error)) {
            // The message already says how to start the module.
        } else if (!outcome_known(error)) {
            message +=
                "\nThe IC may or may not have loaded the backup (its answer was lost or "
                "could not be trusted); " +
                context.module.label() +
                " is running again and the backup is unchanged. Check the module with: " +
                context.module.command_for("status") +
                ", and restore again if needed: " + context.module.command_for("restore");
        } else {
            message += "\n" + context.module.label() +
                       " is running again in the state it had before the restore; the backup is "
                       "unchanged. Try again with: " +
                       context.module.command_for("restore");
        }
        ic::rethrow_with_message(error, "restore failed: " + message);
    }
    return chosen;
}

}  // namespace juno
