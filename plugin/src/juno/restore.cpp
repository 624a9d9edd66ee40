#include "juno/restore.hpp"

#include <algorithm>
#include <chrono>

#include "ic/error.hpp"
#include "juno/interrupt.hpp"
#include "juno/lifecycle.hpp"
#include "juno/records.hpp"
#include "juno/transfer/unfinished_uploads.hpp"

namespace juno {

namespace {

// The IC cannot load a snapshot that was uploaded, or taken from a running module, until the
// subnet's next checkpoint; it says so with IC0406 "... not currently loadable ... try again
// later" (ic-protocol.md, snapshot behaviour).
bool not_yet_loadable(const ic::RejectError& error) {
    return error.mentions("not currently loadable") ||
           (error.error_code() == "IC0406" && error.mentions("try again later"));
}

// Loads `backup`, asking again while the IC answers that it cannot load it yet, for at most
// `wait`. The module stays stopped meanwhile, so that nothing it does is lost to the load.
void load_when_loadable(Context& context, const Snapshot& backup, std::chrono::seconds wait) {
    using namespace std::chrono;
    auto started = steady_clock::now();
    milliseconds pause{2000};
    while (true) {
        try {
            context.management.load_canister_snapshot(context.module.canister, backup.id);
            return;
        } catch (const ic::RejectError& error) {
            if (!not_yet_loadable(error)) throw;
            auto waited = duration_cast<seconds>(steady_clock::now() - started);
            if (steady_clock::now() + pause > started + wait) {
                ic::rethrow_with_message(
                    error, std::string(error.what()) + "\nThe IC still could not load backup " +
                               backup_id(backup) + " after " + std::to_string(waited.count()) +
                               " s of waiting (a backup becomes loadable at the subnet's next "
                               "checkpoint, usually within minutes; wait longer with "
                               "JUNO_LOAD_WAIT=<seconds>, juno-helper: --load-wait).");
            }
            context.progress("the IC cannot load backup " + backup_id(backup) +
                             " yet (it waits for the subnet's next checkpoint); asking again in " +
                             std::to_string(pause.count() / 1000) + " s, for at most " +
                             std::to_string((wait - waited).count()) + " s more");
            interrupt::sleep_for(pause);
            pause = std::min(pause * 2, milliseconds(30'000));
        }
    }
}

}  // namespace

RestoreResult restore(Context& context, const std::optional<std::string>& hex,
                      std::chrono::seconds load_wait) {
    std::vector<Snapshot> backups;
    try {
        backups = read_found_state_and_backups(context).backups;
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
    // An upload that has not finished holds zeros where data is missing: never loaded.
    std::vector<transfer::UnfinishedUpload> unfinished;
    if (context.state)
        unfinished = transfer::load_unfinished_uploads(context.state->unfinished_uploads());
    std::vector<Snapshot> finished = transfer::finished_backups(backups, unfinished);
    if (hex) {
        result.restored = find_backup(backups, *hex, context.module);
        for (const auto& u : unfinished) {
            if (u.snapshot_id != result.restored.id) continue;
            throw ic::Error(ic::ErrorKind::Usage,
                            "backup " + backup_id(result.restored) + " of " +
                                context.module.label() + " is an upload from " + u.dir.string() +
                                " that has not finished; loading it would install a module with "
                                "zeros where data is missing. It was not touched. Finish the "
                                "upload with: juno-helper upload " +
                                context.module.helper_arguments() + " --dir " +
                                shell_word(u.dir.string()) +
                                ", or delete it with: " + context.module.command_for("delete") +
                                " (JUNO_SNAPSHOT=" + backup_id(result.restored) + ")");
        }
    } else if (finished.empty()) {
        throw ic::Error(ic::ErrorKind::Usage,
                        context.module.label() +
                            " holds no finished backup (only uploads that "
                            "stopped part-way); it was not touched. Finish an "
                            "upload by running it again, or take a backup "
                            "with: " +
                            context.module.command_for("backup"));
    } else {
        result.restored = *newest(finished);
    }
    bool load_requested = false;
    try {
        result.final_state = with_module_stopped(context, [&](const CanisterStatus&) {
            context.progress("restoring backup " + backup_id(result.restored) + " from " +
                             format_time(result.restored.taken_at_timestamp));
            context.run.snapshot = result.restored.id;
            load_requested = true;
            context.enter(Step::LoadSnapshot);
            load_when_loadable(context, result.restored, load_wait);
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
