#include "juno/upgrade.hpp"

#include "ic/error.hpp"
#include "juno/chunk_upload.hpp"
#include "juno/interrupt.hpp"
#include "juno/lifecycle.hpp"
#include "juno/package.hpp"
#include "juno/records.hpp"
#include "juno/recovery.hpp"
#include "juno/runtime_refusal.hpp"
#include "juno/wave.hpp"

namespace juno {

namespace {

using ic::management::InstallMode;
using Source = UpgradeResult::RestorePointSource;

// The IC's ingress limit is 2 MiB for the whole signed request; keep room for the envelope.
constexpr std::size_t max_single_install = 2 * 1024 * 1024 - 4 * 1024;

// Makes sure a backup holds the module's state as of now (the module is stopped and `stopped` is
// its status, read beside the stop): the backup step's own backup when the module has not changed
// since (same module, canister version moved only by this stop), else a new one.
// `backups`: the module's backups, read before the stop (a backup another client takes or
// deletes meanwhile makes the snapshot call fail, refused by the IC, and the module is started).
void secure_restore_point(Context& context, const UpgradeOptions& options, CanisterStatus stopped,
                          const std::vector<Snapshot>& backups, UpgradeResult& result) {
    if (context.state) {
        auto record = load_backup_record(context.state->backup_record());
        std::optional<Snapshot> listed;
        if (record) listed = still_listed(backups, record->snapshot);
        // Versions only grow: a status read before the stop took effect already tells a change
        // since the backup, but not that nothing ran between it and the stop. Only then is the
        // status read again, so that an unchanged module's backup is not replaced by a copy.
        if (listed && record->module_hash == stopped.module_hash && !read_once_stopped(stopped) &&
            stopped.version == record->version_after) {
            stopped = read_status_once_stopped(context);
        }
        std::uint64_t own_stop = context.run.stopped_by_helper ? 1 : 0;
        if (listed && record->module_hash == stopped.module_hash && read_once_stopped(stopped) &&
            stopped.version == record->version_after + own_stop) {
            context.progress("the module has not changed since backup " + backup_id(*listed) +
                             ": it is the exact restore point");
            result.restore_point = listed;
            result.restore_point_source = Source::BackupStep;
            return;
        }
        if (listed) {
            context.progress("the module changed after backup " + backup_id(*listed) +
                             "; backing it up again while it is stopped");
        }
    }
    BackupResult backup = take_backup_while_stopped(context, options.backup_policy, backups,
                                                    BackupPurpose::UpgradeRestorePoint);
    result.restore_point = backup.snapshot;
    if (backup.outcome == BackupResult::Outcome::Kept) {
        result.restore_point_source = Source::KeptExisting;
        context.progress("the restore point is backup " + backup_id(backup.snapshot) + " from " +
                         format_time(backup.snapshot.taken_at_timestamp) +
                         (backup.kept_because == BackupResult::KeptBecause::NoOverwrite
                              ? ", kept because overwriting backups is off"
                              : ", kept as the restore point of an unfinished upgrade"));
        result.restore_point_source = Source::KeptExisting;
    } else {
        result.restore_point_source = Source::TakenNow;
    }
}

// Modules with enhanced orthogonal persistence (Motoko) say so in a private metadata section, and
// the IC refuses to upgrade them unless told to keep their Wasm memory.
std::vector<ic::Bytes> persistence_path(const ic::Principal& canister) {
    return {ic::label("canister"), canister.bytes(), ic::label("metadata"),
            ic::label("enhanced-orthogonal-persistence")};
}

// The installed module's metadata an upgrade decides on, in one read_state: its persistence and
// Juno's package sections.
std::vector<std::vector<ic::Bytes>> metadata_paths(const ic::Principal& canister) {
    auto paths = installed_package_paths(canister);
    paths.push_back(persistence_path(canister));
    return paths;
}

void install(Context& context, const WasmFile& wasm, const ic::Bytes& arg, InstallMode mode,
             bool keep_wasm_memory, bool skip_pre_upgrade,
             const std::optional<ChunkUploadResult>& chunks) {
    context.progress(std::string(mode == InstallMode::Install ? "installing" : "upgrading") +
                     " to module " + ic::to_hex(wasm.hash).substr(0, 16) + "...");
    if (chunks) {
        ic::management::InstallChunkedCode args;
        args.mode = mode;
        args.target_canister = context.module.canister;
        args.chunk_hashes = chunks->hashes;
        args.wasm_module_hash = wasm.hash;
        args.arg = arg;
        args.keep_wasm_memory = keep_wasm_memory;
        args.skip_pre_upgrade = skip_pre_upgrade;
        context.management.install_chunked_code(args);
    } else {
        ic::management::InstallCode args;
        args.mode = mode;
        args.canister_id = context.module.canister;
        args.wasm_module = wasm.bytes;
        args.arg = arg;
        args.keep_wasm_memory = keep_wasm_memory;
        args.skip_pre_upgrade = skip_pre_upgrade;
        context.management.install_code(args);
    }
}

std::string describe_restore_point(const UpgradeResult& result) {
    if (!result.restore_point) return "No backup was taken.";
    return "Restore point: backup " + backup_id(*result.restore_point) + " from " +
           format_time(result.restore_point->taken_at_timestamp) + ".";
}

// A module that traps during an upgrade: the installed module's pre_upgrade, or the new module's
// start function or post_upgrade (the IC's message does not always say which).
bool trapped(const ic::Error& error) {
    auto* reject = dynamic_cast<const ic::RejectError*>(&error);
    if (!reject) return false;
    return reject->error_code() == "IC0502" || reject->error_code() == "IC0503" ||
           reject->reject_message().find("trapped") != std::string::npos ||
           reject->reject_message().find("ic0.trap") != std::string::npos;
}

// What to do about a trap during an upgrade. A trap in the new module is fixed by a new build; one
// in the installed module's pre_upgrade cannot be, so its way out (skip_pre_upgrade) is named with
// its risk.
std::string trap_advice(const Context& context, const ic::Error& error) {
    if (auto refusal = runtime_refusal(error)) {
        return refusal_advice(*refusal, context.module.command_for("upgrade"));
    }
    auto* reject = dynamic_cast<const ic::RejectError*>(&error);
    bool in_pre_upgrade =
        reject && reject->reject_message().find("pre_upgrade") != std::string::npos;
    std::string skip = "JUNO_SKIP_PRE_UPGRADE=1 " + context.module.command_for("upgrade") +
                       " (juno-helper: --skip-pre-upgrade). The risk: whatever that pre_upgrade "
                       "saves to stable memory is not saved, so state held only in the heap is "
                       "lost; the backup taken first is the way back.";
    if (in_pre_upgrade) {
        return " The trap is in the installed module's pre_upgrade: no new build can fix it. The "
               "upgrade can skip it with: " +
               skip;
    }
    return " If the trap is in the new module (its start function or post_upgrade), fix the build "
           "and run the upgrade again: " +
           context.module.command_for("upgrade") +
           ". If it is in the installed module's pre_upgrade, which runs first, no new build can "
           "fix it; the upgrade can skip it with: " +
           skip;
}

// Clears the chunks this run uploaded; a failure only costs storage, so it is a warning.
void clear_chunks(Context& context) {
    try {
        context.enter_to_repair(Step::ClearChunkStore);
        context.management.clear_chunk_store(context.module.canister);
        context.run.chunks_uploaded = false;
    } catch (const ic::Error& error) {
        context.warn(std::string("could not clear the chunk store: ") + error.what());
    }
}

}  // namespace

UpgradeResult upgrade(Context& context, const UpgradeOptions& options) {
    // Everything that can be checked without the module is checked before touching it. What the
    // file's size and first bytes tell is checked now; reading, hashing and checking the rest of
    // it (30 ms for 5 MB, 0.1 s for 20 MB) runs beside the first wave, whose reads need only the
    // size (whether the module goes up in chunks), and ends before any answer is used.
    const std::size_t wasm_file_size = check_wasm_file_start(options.wasm);
    ic::Bytes arg;
    if (options.install_arg) arg = read_install_arg(*options.install_arg, max_single_install);
    if (options.skip_pre_upgrade && !options.backup_first) {
        throw ic::Error(ic::ErrorKind::Usage,
                        "upgrade refused: skipping pre_upgrade loses what it would have saved, so "
                        "it is only done after the backup step; run it with the backup step "
                        "(JUNO_UPGRADE_BACKUP=ON, no --no-backup). Nothing was changed: " +
                            context.module.label() + " was not touched.");
    }

    auto wasm_read =
        std::async(std::launch::async, [&path = options.wasm] { return read_wasm(path); });
    // One round trip for what the decisions below may need, side by side: the root key (when
    // fetched), the module's status, its metadata, its chunk store (large modules) and its
    // backups (with the backup step). Each answer is taken where it is used; one not needed
    // (the module already runs this Wasm) is dropped.
    const ic::Principal& canister = context.module.canister;
    auto read_stored_chunks = [&] {
        return beside(context.agent, [&canister](ic::Agent&, auto& management) {
            return management.stored_chunks(canister);
        });
    };
    auto root_key = beside(context.agent, [](ic::Agent& agent, auto&) { agent.root_key(); });
    auto metadata_read = beside(context.agent, [&canister](ic::Agent& agent, auto&) {
        return agent.read_state(canister, metadata_paths(canister));
    });
    std::future<std::vector<ic::Hash>> stored_read;
    if (wasm_file_size + arg.size() > max_single_install) stored_read = read_stored_chunks();
    std::future<std::vector<Snapshot>> backups_read;
    if (options.backup_first) {
        backups_read = beside(context.agent, [&canister](ic::Agent&, auto& management) {
            return list_backups(management, canister);
        });
    }
    const WasmFile wasm = wasm_read.get();
    const bool chunked = wasm.bytes.size() + arg.size() > max_single_install;
    // The file changed size since it was first looked at: the chunk store is read now.
    if (chunked && !stored_read.valid()) stored_read = read_stored_chunks();
    const ic::Bytes new_module_hash = ic::to_bytes(wasm.hash);  // as status and records hold it
    const ic::Bytes arg_hash = ic::to_bytes(ic::sha256(arg));
    UpgradeResult result;
    result.module_hash = wasm.hash;
    CanisterStatus status;
    try {
        status = read_found_state(context);
    } catch (const ic::Error& error) {
        fail_untouched(context, "upgrade", error);
    }
    std::optional<ic::Certificate> metadata;
    auto installed_metadata = [&]() -> const ic::Certificate& {
        if (!metadata) metadata = metadata_read.get();
        return *metadata;
    };
    check_package(context, wasm, status, options.package_checks,
                  [&] { return installed_package_in(installed_metadata(), canister); });
    result.previous_hash = status.module_hash;
    std::optional<UpgradeRecord> latest;
    if (context.state) latest = load_upgrade_record(context.state->upgrade_record());
    // The record of the latest upgrade, as it must stand if this run installs nothing.
    auto put_back_latest = [&] {
        if (!context.state) return;
        try {
            if (latest) {
                save_upgrade_record(context.state->upgrade_record(), *latest);
            } else {
                forget_record(context.state->upgrade_record());
            }
        } catch (const ic::Error& error) {
            context.warn(error.what());
        }
    };
    // Once installed, this upgrade is the latest; its restore point (if any) is protected
    // (records.hpp), and its argument is known for the next run.
    auto record_completed = [&] {
        if (!context.state) return;
        try {
            save_upgrade_record(
                context.state->upgrade_record(),
                {result.restore_point, new_module_hash, status.module_hash, true, arg_hash});
        } catch (const ic::Error& error) {
            // The upgrade is done; only the protection of its restore point is not recorded.
            context.warn(std::string(error.what()) +
                         "; a later backup may replace this upgrade's restore point");
        }
    };
    // The module's backups, read while nothing has been touched yet (a failure says so).
    std::optional<std::vector<Snapshot>> backups;
    auto backups_before_touching = [&]() -> const std::vector<Snapshot>& {
        try {
            if (!backups)
                backups = backups_read.valid() ? backups_read.get() : list_backups(context);
        } catch (const ic::Error& error) {
            fail_untouched(context, "upgrade", error);
        }
        return *backups;
    };
    const bool same_module = status.module_hash && *status.module_hash == new_module_hash;
    // The argument of the install that put this module there, when this build's state knows it.
    std::optional<ic::Bytes> installed_arg;
    if (same_module && latest && latest->new_module_hash == new_module_hash) {
        installed_arg = latest->install_arg_hash;
    }
    const bool arg_changed = installed_arg && *installed_arg != arg_hash;
    if (same_module && options.force) {
        context.progress("the module already runs this Wasm; upgrading it anyway, as asked");
    } else if (arg_changed) {
        context.progress(
            "the module already runs this Wasm, but the install argument changed "
            "since it was installed; upgrading to pass the new one");
    } else if (same_module) {
        if (options.install_arg && !installed_arg) {
            context.progress(
                "note: this build has no record of the argument the module was "
                "installed with; to pass " +
                options.install_arg->string() +
                " anyway, upgrade with JUNO_FORCE_UPGRADE=1 (juno-helper: --force)");
        }
        result.outcome = UpgradeResult::Outcome::Unchanged;
        result.final_state.status = status;
        // The upgrade that installed this module (maybe interrupted after its install) is
        // complete; its restore point is told again.
        if (latest && latest->new_module_hash == new_module_hash) {
            if (latest->restore_point) {
                result.restore_point =
                    still_listed(backups_before_touching(), *latest->restore_point);
                if (result.restore_point) {
                    result.restore_point_source = Source::EarlierUpgrade;
                    if (!latest->completed) {
                        context.progress(
                            "an earlier, interrupted run had installed this module; "
                            "its restore point is backup " +
                            backup_id(*result.restore_point));
                    }
                }
            }
            if (!latest->completed) {
                latest->completed = true;
                put_back_latest();
            }
        }
        return result;
    }
    // A module without code that holds backups was emptied (uninstalled); installing would run
    // init on an empty state and the next routine backup could replace the only copy of its data.
    if (!status.module_hash && !options.fresh_install) {
        const std::vector<Snapshot>& held = backups_before_touching();
        if (!held.empty()) {
            const Snapshot& last = *newest(held);
            throw ic::Error(
                ic::ErrorKind::Usage,
                "upgrade refused: " + context.module.label() + " has no code installed but holds " +
                    std::to_string(held.size()) + " backup(s), the newest " + backup_id(last) +
                    " from " + format_time(last.taken_at_timestamp) +
                    ": its module was uninstalled. Installing now would start it empty (its "
                    "init runs on an empty state). Nothing was changed. To bring back the "
                    "backed-up state, run: " +
                    context.module.command_for("restore") +
                    "; to install a fresh module anyway, run: JUNO_FRESH_INSTALL=1 " +
                    context.module.command_for("upgrade") + " (juno-helper: --fresh-install)");
        }
    }
    // An unfinished upgrade whose install did not land (the module still runs another module;
    // a call in flight was waited for when its journal was repaired) protects nothing any more.
    if (latest && !latest->completed) {
        forget_record(context.state->upgrade_record());
        latest.reset();
    }
    InstallMode mode = status.module_hash ? InstallMode::Upgrade : InstallMode::Install;
    result.outcome =
        status.module_hash ? UpgradeResult::Outcome::Upgraded : UpgradeResult::Outcome::Installed;

    bool keep_wasm_memory = false;
    try {
        keep_wasm_memory = mode == InstallMode::Upgrade &&
                           installed_metadata().lookup(persistence_path(canister)).status ==
                               ic::HashTree::LookupStatus::Found;
        // The restore point is chosen from the backups as they were before the stop.
        if (options.backup_first && mode == InstallMode::Upgrade) backups_before_touching();
    } catch (const ic::Error& error) {
        fail_untouched(context, "upgrade", error);
    }
    if (keep_wasm_memory) {
        context.progress(
            "the module uses enhanced orthogonal persistence: its Wasm memory is kept");
    }
    // A fresh install has no pre_upgrade to skip.
    const bool skip_pre_upgrade = options.skip_pre_upgrade && mode == InstallMode::Upgrade;

    bool stopping = false;
    bool install_requested = false;
    bool installed = false;
    std::optional<JournalRecord> install_call;
    std::optional<ChunkUploadResult> chunks;
    try {
        // Chunks go up while the module still runs, so that it is stopped only for the install.
        if (chunked) {
            result.chunked = true;
            auto stored = stored_read.get();
            context.enter(Step::UploadChunks);
            chunks = upload_chunks(context, wasm.bytes, stored);
            result.chunks_uploaded = chunks->uploaded;
            result.chunks_reused = chunks->reused;
        }
        stopping = true;
        // The chunk store is cleared beside the start (the journal's Start step clears it after
        // an interruption); a failure only costs storage, so it is told as a warning.
        std::optional<std::string> clear_failure;
        std::function<void(ic::management::ManagementCanister&)> clear_beside_start;
        if (chunks) {
            clear_beside_start = [&](ic::management::ManagementCanister& management) {
                try {
                    management.clear_chunk_store(canister);
                } catch (const ic::Error& error) {
                    clear_failure = error.what();
                }
            };
        }
        auto install_while_stopped = [&](const CanisterStatus& stopped) {
            if (options.backup_first && mode == InstallMode::Upgrade) {
                secure_restore_point(context, options, stopped, *backups, result);
            }
            if (skip_pre_upgrade) {
                // Its state is lost for good unless a backup holds it as of now.
                if (result.restore_point_source != Source::BackupStep &&
                    result.restore_point_source != Source::TakenNow) {
                    throw ic::Error(ic::ErrorKind::Usage,
                                    "skipping pre_upgrade needs a backup of the module as it is "
                                    "now, and none could be taken (the newest backup is older and "
                                    "overwriting is off, or it is a protected restore point). "
                                    "Delete a backup or allow overwriting, then run it again");
                }
                context.progress(
                    "the installed module's pre_upgrade is skipped, as asked; "
                    "backup " +
                    backup_id(*result.restore_point) + " holds its state");
            }
            interrupt::checkpoint();
            if (context.state) {
                save_upgrade_record(
                    context.state->upgrade_record(),
                    {result.restore_point, new_module_hash, status.module_hash, false, arg_hash});
            }
            context.run.restore_point = result.restore_point;
            context.run.new_module_hash = new_module_hash;
            install_requested = true;
            context.enter(Step::Install);
            try {
                install(context, wasm, arg, mode, keep_wasm_memory, skip_pre_upgrade, chunks);
            } catch (const ic::Error&) {
                install_call = context.run;  // its request id, before the restart's replaces it
                throw;
            }
            installed = true;
        };
        result.final_state =
            with_module_stopped(context, install_while_stopped, clear_beside_start);
        if (chunks) {
            if (clear_failure) {
                context.warn("could not clear the chunk store: " + *clear_failure);
            } else {
                context.run.chunks_uploaded = false;
                context.save();
            }
        }
    } catch (const ModuleLeftStopped& error) {
        throw ModuleLeftStopped(error.kind(), "upgrade failed: " + std::string(error.what()));
    } catch (const ic::Error& error) {
        // An answer lost during the install: the call may still execute until its expiry; wait
        // for the IC to know (the module is running again meanwhile), then read the module.
        if (install_call && !outcome_known(error) && error.kind() != ic::ErrorKind::Verification) {
            try {
                wait_for_call_in_flight(context, *install_call);
            } catch (const ic::Error&) {
            }
        }
        FinalState now = stopping ? read_final_state_after(context, error) : FinalState{};
        std::string state =
            context.module.label() + " is " +
            (stopping ? describe_final_state(context, now) : std::string("running, untouched"));
        // An answer lost during the install: the module hash says whether it went through.
        if (install_requested && !installed && !outcome_known(error) && now.status) {
            installed = now.status->module_hash == new_module_hash;
            context.progress(std::string("the install's answer was lost; the module hash shows "
                                         "it ") +
                             (installed ? "went through" : "did not happen"));
            if (installed) {
                record_completed();
                if (chunks) clear_chunks(context);
                result.final_state = now;
                return result;
            }
        }
        bool interrupted = error.kind() == ic::ErrorKind::Interrupted;
        if (interrupted && context.run.chunks_uploaded) clear_chunks(context);
        std::string message = error.what();
        if (install_requested && !outcome_known(error) && !now.status) {
            // Whether the install happened is unknown: its restore point stays protected.
            message += "\nThe answer was lost, so the new version may or may not be installed; " +
                       state + ". " + describe_restore_point(result) +
                       " Check the module hash with: " + context.module.command_for("status") +
                       ", then run the upgrade again (it does nothing when the module is "
                       "already up to date): " +
                       context.module.command_for("upgrade");
        } else {
            put_back_latest();
            if (install_requested) {
                message += "\n" + state +
                           " and runs its previous version again: the IC refused the install, and "
                           "an install that fails changes nothing. " +
                           describe_restore_point(result) +
                           (mode == InstallMode::Upgrade && !skip_pre_upgrade && trapped(error)
                                ? trap_advice(context, error)
                                : " Fix the cause and run the upgrade again: " +
                                      context.module.command_for("upgrade"));
            } else {
                message += "\nNothing was installed; " + state + "." +
                           (result.restore_point ? " " + describe_restore_point(result) : "") +
                           run_again(context, "upgrade", error);
            }
        }
        ic::rethrow_with_message(error, "upgrade failed: " + message);
    }
    record_completed();
    return result;
}

}  // namespace juno
