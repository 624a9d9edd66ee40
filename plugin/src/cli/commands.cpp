#include "cli/commands.hpp"

#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <filesystem>

#include "cli/backup_folder.hpp"
#include "cli/output.hpp"
#include "ic/agent.hpp"
#include "ic/error.hpp"
#include "ic/management.hpp"
#include "juno/backup.hpp"
#include "juno/console.hpp"
#include "juno/interrupt.hpp"
#include "juno/lifecycle.hpp"
#include "juno/module_lock.hpp"
#include "juno/records.hpp"
#include "juno/recovery.hpp"
#include "juno/restore.hpp"
#include "juno/snapshots.hpp"
#include "juno/transfer/byte_progress.hpp"
#include "juno/transfer/download.hpp"
#include "juno/transfer/upload.hpp"
#include "juno/transfer/verify.hpp"
#include "juno/upgrade.hpp"

namespace cli {

namespace {

using ic::ErrorKind;
using ic::fail;

std::vector<FlagSpec> with_connection(std::vector<FlagSpec> extra) {
    std::vector<FlagSpec> flags = connection_flags();
    flags.insert(flags.end(), extra.begin(), extra.end());
    return flags;
}

const ic::Principal& require_canister(const Connection& connection) {
    if (!connection.canister) {
        fail(ErrorKind::Usage,
             "no canister given: pass --canister <principal> or --config <module.json>");
    }
    return *connection.canister;
}

ic::Agent make_agent(const Connection& connection) {
    auto identity = [&] {
        try {
            return load_identity(connection);
        } catch (const ic::Error& error) {
            // The identity is read before anything is sent: say so, since the user may fear a
            // half-done operation.
            ic::rethrow_with_message(
                error,
                std::string(error.what()) + "\nNothing was done: the module was not contacted.");
        }
    }();
    return ic::Agent(std::move(identity), agent_options(connection, [](const std::string& text) {
                         Output::notice(text);
                     }));
}

void progress(const std::string& text) { Output::notice(text); }

juno::Module module_of(const Connection& connection, const ParsedFlags& flags) {
    juno::Module module;
    module.canister = require_canister(connection);
    module.name = connection.module_name;
    for (const char* flag : {"network", "identity", "root-key"}) {
        if (auto v = flags.get(flag))
            module.connection_flags.emplace_back("--" + std::string(flag), *v);
    }
    if (connection.config) {
        module.build_dir = connection.config->build_dir.value_or("");
        module.build_config = connection.config->build_config.value_or("");
        module.config_path = connection.config->path.string();
    }
    return module;
}

rapidjson::Value snapshot_json(const juno::Snapshot& s, rapidjson::Document::AllocatorType& a) {
    rapidjson::Value v(rapidjson::kObjectType);
    v.AddMember("id", json_string(juno::backup_id(s), a), a);
    v.AddMember("taken_at", json_string(juno::format_time(s.taken_at_timestamp), a), a);
    v.AddMember("taken_at_ns", s.taken_at_timestamp, a);
    v.AddMember("total_size", s.total_size, a);
    return v;
}

std::string snapshot_text(const juno::Snapshot& s) {
    return juno::backup_id(s) + "  " + juno::format_time(s.taken_at_timestamp) + "  " +
           juno::format_size(s.total_size);
}

// Juno's package checks for an upgrade or an upload: the module's kind from its config, and the
// changes let through by JUNO_ALLOW_PACKAGE_CHANGE (a per-run opt-in, so that `make` users can
// pass it without the cache) and --allow-package-change.
juno::PackageCheckOptions package_checks(const ParsedFlags& flags, const Connection& connection) {
    juno::PackageCheckOptions checks;
    if (connection.config) checks.kind = connection.config->kind;
    if (const char* env = std::getenv("JUNO_ALLOW_PACKAGE_CHANGE"); env && *env) {
        checks.allowed = juno::parse_package_changes(env, "JUNO_ALLOW_PACKAGE_CHANGE");
    }
    if (auto allow = flags.get("allow-package-change")) {
        auto more = juno::parse_package_changes(*allow, "--allow-package-change");
        checks.allowed.insert(more.begin(), more.end());
    }
    return checks;
}

juno::BackupPolicy backup_policy(const ParsedFlags& flags, const Connection& connection) {
    juno::BackupPolicy policy;
    if (connection.config) {
        policy.keep = connection.config->backup_keep.value_or(1);
        policy.overwrite = connection.config->backup_overwrite.value_or(true);
    }
    if (auto keep = flags.get("keep")) {
        if (keep->size() > 2 || keep->empty() ||
            keep->find_first_not_of("0123456789") != std::string::npos || std::stoi(*keep) < 1 ||
            std::stoi(*keep) > 10) {
            fail(ErrorKind::Usage, "--keep must be a number from 1 to 10, got '" + *keep + "'");
        }
        policy.keep = static_cast<unsigned>(std::stoi(*keep));
    }
    if (flags.has("no-overwrite")) policy.overwrite = false;
    if (flags.has("overwrite")) policy.overwrite = true;
    return policy;
}

// A per-run choice from a flag or, for make targets, from the environment: 1/ON/YES/TRUE or
// 0/OFF/NO/FALSE (any case). Anything else is refused, so a typo never means "no".
bool choice(const ParsedFlags& flags, const char* flag, const char* variable) {
    if (flags.has(flag)) return true;
    const char* value = std::getenv(variable);
    if (!value || !*value) return false;
    std::string v(value);
    for (auto& c : v) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (v == "1" || v == "ON" || v == "YES" || v == "TRUE" || v == "Y") return true;
    if (v == "0" || v == "OFF" || v == "NO" || v == "FALSE" || v == "N") return false;
    fail(ErrorKind::Usage, std::string(variable) + " is '" + value +
                               "'; set it to 1 (or ON) to choose it, or 0 (or OFF, or unset)");
}

// Whether a command changes the module (it takes the module's lock, waiting for another run) or
// only reads it (it takes the lock only when free, to repair what an earlier run left).
enum class Access { Changes, Reads };

// The status read at the end of a run, for --json: "running", "stopped", ... or null.
rapidjson::Value status_json(const juno::FinalState& state, rapidjson::Document::AllocatorType& a) {
    if (!state.status) return rapidjson::Value();
    return json_string(ic::management::to_string(state.status->status), a);
}

// The exit status of a run that completed: 128 + a signal that arrived after its last safe point
// (so that make and shells stop), else 0.
int completed() {
    int signal = juno::interrupt::pending();
    return signal ? 128 + signal : 0;
}

// Runs `body` for the module the flags name: with an agent, the module's lock and its journal. An
// earlier run's journal is repaired first; this run's journal is removed when the module is as the
// run meant to leave it, and kept (for the next command to repair) when it was left stopped.
template <typename Body>
int with_module(const ParsedFlags& flags, const char* command, Access access, Body body) {
    Connection connection = resolve_connection(flags);
    ic::Agent agent = make_agent(connection);
    juno::Context context(module_of(connection, flags), agent, progress);
    context.state = juno::state_files_for(context.module.canister, connection.url);
    context.run.command = command;
    context.run.pid = static_cast<long>(::getpid());
    context.run.started_at =
        static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                       std::chrono::system_clock::now().time_since_epoch())
                                       .count());
    context.run.network = connection.url;
    context.run.canister = context.module.canister.to_text();
    juno::Journal journal(context.state->journal());
    agent.observe_calls(
        [&context](const std::string& method, const ic::Hash& request_id, std::uint64_t expiry) {
            context.record_call(method, request_id, expiry);
        });

    Output out(flags.has("json"));
    if (out.json()) {
        // Every module command's document starts with the module it is about.
        out.document().AddMember("canister_id",
                                 json_string(context.module.canister.to_text(), out.allocator()),
                                 out.allocator());
    }
    std::optional<juno::ModuleLock> lock;
    if (access == Access::Changes) {
        lock = juno::ModuleLock::acquire(context.state->lock(), command, connection.lock_wait,
                                         progress);
    } else {
        lock = juno::ModuleLock::try_acquire(context.state->lock(), command);
        if (!lock) {
            std::string who = juno::ModuleLock::holder(context.state->lock());
            progress("note: " + (who.empty() ? std::string("another juno-helper run") : who) +
                     " works on this module now; what follows may change while it does");
        }
    }
    try {
        if (lock) juno::repair_earlier_run(context);
        juno::interrupt::checkpoint();
        try {
            body(connection, context, out);
        } catch (const juno::ModuleLeftStopped&) {
            throw;  // the journal stays: the next command on the module starts it
        } catch (const ic::Error&) {
            if (lock) journal.clear();  // the operation put the module back and said so
            throw;
        }
        // Anything else escaped the operation's own handling: the journal stays for the next
        // command to check the module.
        if (lock) journal.clear();
    } catch (const juno::ModuleLeftStopped&) {
        throw;  // its message already says what to run first
    } catch (const ic::Error& error) {
        if (!ic::denies_permission(error)) throw;
        // The most common first-run problem: say who we are and how to become a controller.
        std::string who = agent.identity().sender().to_text();
        std::string source = agent.identity().origin().empty()
                                 ? " (anonymous: no identity was given)"
                                 : " (from " + agent.identity().origin() + ")";
        ic::rethrow_with_message(
            error,
            std::string(error.what()) + "\nThe identity " + who + source +
                " is not allowed to do this: it is not a controller of " + context.module.label() +
                ". Use a controller's identity (JUNO_IDENTITY or --identity), or add " + who +
                " as a controller (in the Juno Console, or with: icp canister settings update " +
                context.module.canister.to_text() + " --add-controller " + who +
                "), then run: " + context.module.command_for(command));
    }
    out.flush();
    return completed();
}

int run_backup(const ParsedFlags& flags) {
    return with_module(
        flags, "backup", Access::Changes,
        [&](const Connection& connection, juno::Context& context, Output& out) {
            juno::BackupPolicy policy = backup_policy(flags, connection);
            juno::BackupResult result = juno::backup(context, policy);
            using O = juno::BackupResult::Outcome;
            const char* outcome = result.outcome == O::Added       ? "added"
                                  : result.outcome == O::Replaced  ? "replaced"
                                  : result.outcome == O::Kept      ? "kept"
                                  : result.outcome == O::Unchanged ? "unchanged"
                                                                   : "skipped";
            if (out.json()) {
                auto& a = out.allocator();
                auto& doc = out.document();
                doc.AddMember("outcome", json_string(outcome, a), a);
                if (result.outcome == juno::BackupResult::Outcome::Skipped) {
                    doc.AddMember("backup", rapidjson::Value(), a);
                } else {
                    doc.AddMember("backup", snapshot_json(result.snapshot, a), a);
                }
                if (result.replaced)
                    doc.AddMember("replaced", snapshot_json(*result.replaced, a), a);
                doc.AddMember("count", static_cast<std::uint64_t>(result.count), a);
                doc.AddMember("keep", policy.keep, a);
                doc.AddMember("status", status_json(result.final_state, a), a);
                return;
            }
            switch (result.outcome) {
                case juno::BackupResult::Outcome::Skipped:
                    if (result.count == 0) {
                        out.line("Nothing to back up: " + context.module.label() +
                                 " has no module installed yet.");
                        return;
                    }
                    out.line("Nothing to back up: " + context.module.label() +
                             " has no code installed (it was emptied). Its " +
                             std::to_string(result.count) + " backup(s) are kept; the newest, " +
                             snapshot_text(result.snapshot) + ", brings its state back with: " +
                             context.module.command_for("restore"));
                    return;
                case juno::BackupResult::Outcome::Added:
                    out.line("Backed up " + context.module.label() + ": " +
                             snapshot_text(result.snapshot));
                    break;
                case juno::BackupResult::Outcome::Replaced:
                    out.line("Backed up " + context.module.label() + ": " +
                             snapshot_text(result.snapshot));
                    out.line("It replaced the oldest backup, " + juno::backup_id(*result.replaced) +
                             " from " + juno::format_time(result.replaced->taken_at_timestamp) +
                             " (keeping " + std::to_string(policy.keep) + ").");
                    break;
                case juno::BackupResult::Outcome::Kept:
                    if (result.kept_because == juno::BackupResult::KeptBecause::NoOverwrite) {
                        out.line("No new backup: " + context.module.label() + " already holds " +
                                 std::to_string(result.count) + " backup(s) (keep " +
                                 std::to_string(policy.keep) + ") and overwriting is off.");
                        out.line("Kept backup " + juno::backup_id(result.snapshot) + " from " +
                                 juno::format_time(result.snapshot.taken_at_timestamp) +
                                 "; it stays the restore point.");
                    } else if (result.kept_because ==
                               juno::BackupResult::KeptBecause::UnfinishedUpgrade) {
                        out.line("No new backup: the only backup " + context.module.label() +
                                 " could replace is the restore point of an upgrade that has not "
                                 "completed, and it is kept.");
                        out.line("Complete the upgrade with: " +
                                 context.module.command_for("upgrade"));
                    } else {
                        out.line("No new backup: backup " + juno::backup_id(result.snapshot) +
                                 " is the restore point of the upgrade that installed this "
                                 "module, kept until the next upgrade takes its own (raise "
                                 "JUNO_BACKUP_KEEP to keep more backups).");
                    }
                    break;
                case juno::BackupResult::Outcome::Unchanged:
                    out.line("No new backup: " + context.module.label() +
                             " has not changed since backup " + snapshot_text(result.snapshot) +
                             ", which holds its state.");
                    break;
            }
            out.line(std::to_string(result.count) + " backup(s) now; the module is " +
                     juno::describe_final_state(context, result.final_state) + ".");
        });
}

// --load-wait, or JUNO_LOAD_WAIT for make targets: seconds, 0 to 86400.
std::chrono::seconds load_wait(const ParsedFlags& flags) {
    std::optional<std::string> value = flags.get("load-wait");
    const char* source = "--load-wait";
    if (!value) {
        if (const char* env = std::getenv("JUNO_LOAD_WAIT"); env && *env) {
            value = env;
            source = "JUNO_LOAD_WAIT";
        }
    }
    if (!value) return juno::default_load_wait;
    if (value->empty() || value->size() > 5 ||
        value->find_first_not_of("0123456789") != std::string::npos || std::stoul(*value) > 86400) {
        fail(ErrorKind::Usage, std::string(source) +
                                   " must be a number of seconds from 0 to "
                                   "86400, got '" +
                                   *value + "'");
    }
    return std::chrono::seconds(std::stoul(*value));
}

// --dir, or JUNO_BACKUP_DIR for make targets: the folder of an off-chain backup.
std::string backup_dir(const ParsedFlags& flags, const char* flag, const char* variable) {
    if (auto dir = flags.get(flag)) return *dir;
    if (const char* env = std::getenv(variable); env && *env) return env;
    fail(ErrorKind::Usage,
         std::string("no folder given: pass --") + flag + " <folder> (or set " + variable + ")");
}

// The off-chain backup folder the flags and the environment name (backup_folder.hpp).
std::optional<std::filesystem::path> folder_of(const ParsedFlags& flags,
                                               const Connection& connection, FolderUse use) {
    FolderRequest request;
    request.use = use;
    request.folder_flag = flags.get(use == FolderUse::Restore ? "from" : "dir");
    request.parent_flag = flags.get(use == FolderUse::Restore ? "from-parent" : "parent-dir");
    request.every_module = flags.has("every-module");
    request.module_name = connection.module_name;
    if (connection.config) request.build_dir = connection.config->build_dir.value_or("");
    return backup_folder(request, process_environment());
}

std::string transfer_command(const juno::Context& context, const std::string& action,
                             const std::string& dir_flag, const std::string& dir) {
    return "juno-helper " + action + " " + context.module.helper_arguments() + " " + dir_flag +
           " " + juno::shell_word(dir);
}

// Uploads the folder into the module's backups; a failure after the upload began says how to
// continue it (`again`: the command that does).
juno::transfer::UploadResult upload_folder(const ParsedFlags& flags, const Connection& connection,
                                           juno::Context& context, const std::string& dir,
                                           const std::string& again) {
    juno::transfer::UploadOptions options;
    options.dir = dir;
    options.policy = backup_policy(flags, connection);
    options.on_bytes = juno::transfer::meter_progress(juno::console(), "uploading backup");
    options.package_checks = package_checks(flags, connection);
    try {
        return juno::transfer::upload(context, options);
    } catch (const ic::Error& error) {
        if (error.kind() == ErrorKind::Usage) throw;  // said what to do, sent nothing
        ic::rethrow_with_message(
            error, "upload failed: " + std::string(error.what()) + "\nContinue it with: " + again);
    }
}

int run_restore(const ParsedFlags& flags) {
    return with_module(
        flags, "restore", Access::Changes,
        [&](const Connection& connection, juno::Context& context, Output& out) {
            std::optional<std::string> id = flags.get("snapshot");
            if (!id) {
                if (const char* env = std::getenv("JUNO_SNAPSHOT"); env && *env) id = env;
            }
            std::optional<juno::transfer::UploadResult> uploaded;
            // Flags override the environment: --snapshot sets JUNO_BACKUP_FROM aside, and
            // --from (or JUNO_BACKUP_FROM without --snapshot) sets JUNO_SNAPSHOT aside.
            const bool from_flag = flags.get("from") || flags.get("from-parent");
            if (from_flag && flags.get("snapshot")) {
                fail(ErrorKind::Usage, "give --from <folder> or --snapshot <id>, not both");
            }
            std::optional<std::string> from;
            if (from_flag || !flags.get("snapshot")) {
                if (auto folder = folder_of(flags, connection, FolderUse::Restore)) {
                    from = folder->string();
                }
            }
            // What juno_restore_from_<name> runs: a folder is required, never the newest backup.
            if (!from && flags.has("from-environment")) {
                fail(ErrorKind::Usage,
                     flags.has("every-module")
                         ? "no backup folders given: set JUNO_BACKUP_FROM_PARENT=<folder>, a "
                           "folder with one sub-folder per module name (as juno_backup_download "
                           "writes them); nothing was done"
                         : "no backup folder given: set JUNO_BACKUP_FROM=<folder> (a folder "
                           "written by juno_backup_download_<name>, juno-helper download, icp or "
                           "Juno's CLI) or JUNO_BACKUP_FROM_PARENT=<folder> (its sub-folder "
                           "<name>); nothing was done");
            }
            if (from) {
                // A folder's backup is uploaded as a new backup of the module, then loaded.
                uploaded = upload_folder(flags, connection, context, *from,
                                         transfer_command(context, "restore", "--from", *from));
                id = ic::to_hex(uploaded->snapshot.id);
            }
            juno::RestoreResult result = juno::restore(context, id, load_wait(flags));
            if (out.json()) {
                auto& a = out.allocator();
                out.document().AddMember("restored", snapshot_json(result.restored, a), a);
                if (uploaded && uploaded->replaced) {
                    out.document().AddMember("replaced", snapshot_json(*uploaded->replaced, a), a);
                }
                out.document().AddMember("status", status_json(result.final_state, a), a);
                return;
            }
            if (uploaded) {
                out.line("Uploaded " + *from + " as backup " + juno::backup_id(uploaded->snapshot) +
                         (uploaded->replaced
                              ? " (in place of " + juno::backup_id(*uploaded->replaced) + ")"
                              : std::string()) +
                         ".");
            }
            out.line("Restored " + context.module.label() + " from backup " +
                     snapshot_text(result.restored) + "; the module is " +
                     juno::describe_final_state(context, result.final_state) + ".");
        });
}

int run_list(const ParsedFlags& flags) {
    return with_module(flags, "list", Access::Reads,
                       [&](const Connection&, juno::Context& context, Output& out) {
                           auto backups = juno::list_backups(context);
                           if (out.json()) {
                               auto& a = out.allocator();
                               rapidjson::Value list(rapidjson::kArrayType);
                               for (const auto& b : backups) list.PushBack(snapshot_json(b, a), a);
                               out.document().AddMember("backups", list, a);
                               return;
                           }
                           if (backups.empty()) {
                               out.line(context.module.label() + " has no backups.");
                               return;
                           }
                           out.line("Backups of " + context.module.label() + ", oldest first:");
                           for (const auto& b : backups) out.line("  " + snapshot_text(b));
                       });
}

int run_delete(const ParsedFlags& flags) {
    return with_module(flags, "delete", Access::Changes,
                       [&](const Connection&, juno::Context& context, Output& out) {
                           // Targets take the choice from the environment: JUNO_SNAPSHOT=<id>, or
                           // =all.
                           std::optional<std::string> id = flags.get("snapshot");
                           bool all = flags.has("all");
                           if (!id && !all) {
                               if (const char* env = std::getenv("JUNO_SNAPSHOT"); env && *env) {
                                   if (std::string(env) == "all") {
                                       all = true;
                                   } else {
                                       id = env;
                                   }
                               }
                           }
                           auto result = juno::delete_backups(context, id, all);
                           if (out.json()) {
                               auto& a = out.allocator();
                               rapidjson::Value list(rapidjson::kArrayType);
                               for (const auto& b : result.deleted)
                                   list.PushBack(snapshot_json(b, a), a);
                               out.document().AddMember("deleted", list, a);
                               out.document().AddMember(
                                   "remaining", static_cast<std::uint64_t>(result.remaining), a);
                               return;
                           }
                           for (const auto& b : result.deleted)
                               out.line("Deleted backup " + snapshot_text(b));
                           out.line("Deleted " + std::to_string(result.deleted.size()) +
                                    " backup(s) of " + context.module.label() + "; " +
                                    std::to_string(result.remaining) + " left.");
                       });
}

int run_start(const ParsedFlags& flags) {
    return with_module(flags, "start", Access::Changes,
                       [&](const Connection&, juno::Context& context, Output& out) {
                           try {
                               juno::read_found_state(context);
                               juno::start_module(context);
                           } catch (const ic::Error& error) {
                               juno::FinalState now = juno::read_final_state_after(context, error);
                               ic::rethrow_with_message(
                                   error,
                                   "start failed: " + std::string(error.what()) + "\n" +
                                       context.module.label() + " is " +
                                       juno::describe_final_state(context, now) +
                                       ". Try again with: " + context.module.command_for("start"));
                           }
                           juno::FinalState final_state = juno::read_final_state(context);
                           if (out.json()) {
                               auto& a = out.allocator();
                               out.document().AddMember("status", status_json(final_state, a), a);
                               return;
                           }
                           out.line(context.module.label() + " is " +
                                    juno::describe_final_state(context, final_state) + ".");
                       });
}

int run_upgrade(const ParsedFlags& flags) {
    return with_module(
        flags, "upgrade", Access::Changes,
        [&](const Connection& connection, juno::Context& context, Output& out) {
            juno::UpgradeOptions options;
            std::optional<std::string> wasm = flags.get("wasm");
            if (!wasm && connection.config) wasm = connection.config->wasm;
            if (!wasm) {
                fail(ErrorKind::Usage,
                     "no Wasm to install: pass --wasm <file>, or give juno_add_module a WASM "
                     "argument");
            }
            options.wasm = *wasm;
            std::optional<std::string> arg = flags.get("arg-file");
            if (!arg && connection.config) arg = connection.config->install_arg_file;
            if (arg) options.install_arg = *arg;
            options.backup_policy = backup_policy(flags, connection);
            options.backup_first =
                connection.config ? connection.config->backup_before_upgrade.value_or(true) : true;
            if (flags.has("no-backup")) options.backup_first = false;
            options.force = choice(flags, "force", "JUNO_FORCE_UPGRADE");
            options.skip_pre_upgrade = choice(flags, "skip-pre-upgrade", "JUNO_SKIP_PRE_UPGRADE");
            options.fresh_install = choice(flags, "fresh-install", "JUNO_FRESH_INSTALL");
            options.package_checks = package_checks(flags, connection);
            juno::UpgradeResult result = juno::upgrade(context, options);

            const char* outcome =
                result.outcome == juno::UpgradeResult::Outcome::Unchanged   ? "unchanged"
                : result.outcome == juno::UpgradeResult::Outcome::Installed ? "installed"
                                                                            : "upgraded";
            if (out.json()) {
                auto& a = out.allocator();
                auto& doc = out.document();
                doc.AddMember("outcome", json_string(outcome, a), a);
                doc.AddMember("module_hash", json_string(ic::to_hex(result.module_hash), a), a);
                if (result.previous_hash) {
                    doc.AddMember("previous_module_hash",
                                  json_string(ic::to_hex(*result.previous_hash), a), a);
                } else {
                    doc.AddMember("previous_module_hash", rapidjson::Value(), a);
                }
                doc.AddMember("chunked", result.chunked, a);
                doc.AddMember("chunks_uploaded", static_cast<std::uint64_t>(result.chunks_uploaded),
                              a);
                doc.AddMember("chunks_reused", static_cast<std::uint64_t>(result.chunks_reused), a);
                if (result.restore_point) {
                    doc.AddMember("restore_point", snapshot_json(*result.restore_point, a), a);
                } else {
                    doc.AddMember("restore_point", rapidjson::Value(), a);
                }
                doc.AddMember("status", status_json(result.final_state, a), a);
                return;
            }
            std::string hash = ic::to_hex(result.module_hash);
            std::string state = juno::describe_final_state(context, result.final_state);
            if (result.outcome == juno::UpgradeResult::Outcome::Unchanged) {
                out.line(context.module.label() + " already runs module " + hash +
                         "; nothing to upgrade. It is " + state + ".");
                if (result.restore_point) {
                    out.line("Restore point: backup " + snapshot_text(*result.restore_point) +
                             " (restore with: " + context.module.command_for("restore") + ")");
                }
                return;
            }
            out.line((result.outcome == juno::UpgradeResult::Outcome::Installed ? "Installed "
                                                                                : "Upgraded ") +
                     context.module.label() + " to module " + hash + "; it is " + state + ".");
            if (result.chunked) {
                out.line("Uploaded " + std::to_string(result.chunks_uploaded) +
                         " chunk(s), reused " + std::to_string(result.chunks_reused) + ".");
            }
            if (result.restore_point) {
                out.line("Restore point: backup " + snapshot_text(*result.restore_point) +
                         " (restore with: " + context.module.command_for("restore") + ")");
            }
        });
}

// The copies JUNO_UPGRADE_DOWNLOAD keeps, of the latest upgrade's restore point (the backup the
// helper's records name): after the install, of the restore point that upgrade took or kept; and
// before the next install, of the previous upgrade's if its copy is still missing (a copy that
// failed), since the next upgrade may replace that backup on-chain. The copy is made after the
// install, not before: the exact restore point is taken while the module is stopped for the
// install, and copying it then would keep the module stopped for the whole download.
enum class UpgradeCopy { Before, After };

std::optional<UpgradeCopy> upgrade_copy(const ParsedFlags& flags) {
    if (flags.has("before-upgrade") && flags.has("after-upgrade")) {
        fail(ErrorKind::Usage, "give --before-upgrade or --after-upgrade, not both");
    }
    if ((flags.has("before-upgrade") || flags.has("after-upgrade")) && flags.get("snapshot")) {
        fail(ErrorKind::Usage,
             "--before-upgrade and --after-upgrade choose the backup themselves; drop --snapshot");
    }
    if (flags.has("before-upgrade")) return UpgradeCopy::Before;
    if (flags.has("after-upgrade")) return UpgradeCopy::After;
    return std::nullopt;
}

std::optional<juno::Snapshot> latest_restore_point(juno::Context& context) {
    std::optional<juno::UpgradeRecord> latest;
    if (context.state) latest = juno::load_upgrade_record(context.state->upgrade_record());
    if (!latest) return std::nullopt;
    return latest->restore_point;
}

// A restore point's folder that holds its complete download is kept, once it checks out.
bool already_copied(juno::Context& context, const std::filesystem::path& dir,
                    const juno::Snapshot& snapshot, Output& out) {
    std::error_code ec;
    if (!std::filesystem::exists(dir / juno::transfer::manifest_file, ec)) return false;
    juno::transfer::CheckedFolder folder;
    try {
        folder = juno::transfer::check_folder(dir);
    } catch (const ic::Error& error) {
        ic::rethrow_with_message(
            error, std::string(error.what()) + "\nThe copy of restore point " +
                       juno::backup_id(snapshot) + " in " + dir.string() +
                       " no longer checks out. Move the folder aside and run the upgrade again to "
                       "download it anew: " +
                       context.module.command_for("upgrade"));
    }
    if (!folder.manifest || folder.manifest->snapshot_id != snapshot.id ||
        folder.manifest->canister_id != context.module.canister.to_text()) {
        fail(ErrorKind::Usage, dir.string() + " holds another backup than restore point " +
                                   juno::backup_id(snapshot) + " of " + context.module.label() +
                                   "; move it aside and run the upgrade again");
    }
    if (out.json()) {
        auto& a = out.allocator();
        out.document().AddMember("backup", snapshot_json(snapshot, a), a);
        out.document().AddMember("dir", json_string(dir.string(), a), a);
        out.document().AddMember("total_bytes", folder.total_bytes, a);
        out.document().AddMember("fetched_bytes", std::uint64_t{0}, a);
        out.document().AddMember("resumed", false, a);
        return true;
    }
    out.line("Restore point " + snapshot_text(snapshot) + " of " + context.module.label() +
             " is already copied to " + dir.string() +
             " (checked: every file matches the "
             "manifest).");
    return true;
}

int run_download(const ParsedFlags& flags) {
    return with_module(
        flags, "download", Access::Reads,
        [&](const Connection& connection, juno::Context& context, Output& out) {
            juno::transfer::DownloadOptions options;
            auto folder = folder_of(flags, connection, FolderUse::Download);
            if (!folder) {
                fail(ErrorKind::Usage,
                     "no folder given: pass --dir <folder> (or set JUNO_BACKUP_DIR, or "
                     "JUNO_BACKUP_PARENT_DIR for its sub-folder <name>)");
            }
            options.dir = *folder;
            options.snapshot = flags.get("snapshot");
            if (!options.snapshot) {
                if (const char* env = std::getenv("JUNO_SNAPSHOT"); env && *env) {
                    if (flags.has("every-module")) {
                        fail(ErrorKind::Usage,
                             std::string("JUNO_SNAPSHOT is set (") + env +
                                 "), which names one module's backup, but juno_backup_download "
                                 "downloads every module's newest. Unset it, or run "
                                 "juno_backup_download_<name> for that module; nothing was done");
                    }
                    options.snapshot = env;
                }
            }
            const std::optional<UpgradeCopy> copy = upgrade_copy(flags);
            std::optional<juno::Snapshot> restore_point;
            if (copy) {
                restore_point = latest_restore_point(context);
                if (!restore_point) {
                    if (out.json()) {
                        out.document().AddMember("backup", rapidjson::Value(), out.allocator());
                        return;
                    }
                    out.line("No restore point to copy: the helper knows of no upgrade of " +
                             context.module.label() +
                             " with a backup (none yet: an install into an empty module has "
                             "none; or its restore point was deleted).");
                    return;
                }
                // One folder per restore point: an older copy is never overwritten.
                options.dir /= juno::backup_id(*restore_point);
                if (already_copied(context, options.dir, *restore_point, out)) return;
                auto listed = juno::still_listed(juno::list_backups(context), *restore_point);
                if (!listed) {
                    // Deleted on purpose (juno_backup_delete): it must not block every upgrade.
                    context.warn("restore point " + juno::backup_id(*restore_point) + " of " +
                                 context.module.label() +
                                 " is no longer among its backups and was never copied off-chain; "
                                 "nothing to copy");
                    if (out.json()) {
                        out.document().AddMember("backup", rapidjson::Value(), out.allocator());
                    }
                    return;
                }
                restore_point = listed;
                options.snapshot = ic::to_hex(restore_point->id);
            }
            options.on_bytes =
                juno::transfer::meter_progress(juno::console(), "downloading backup");
            juno::transfer::DownloadResult result;
            try {
                result = juno::transfer::download(context, options);
            } catch (const ic::Error& error) {
                if (error.kind() == ErrorKind::Usage && !copy) throw;  // wrote nothing
                std::string state =
                    !copy ? context.module.label() + " was not changed."
                    : *copy == UpgradeCopy::Before
                        ? context.module.label() + " was not upgraded: it runs as before, and " +
                              "the restore point of its previous upgrade, backup " +
                              juno::backup_id(*restore_point) +
                              ", is on-chain but not copied yet (this upgrade could replace it)."
                        : context.module.label() + " was upgraded; its restore point, backup " +
                              juno::backup_id(*restore_point) +
                              ", is on-chain (kept until the next upgrade) but not copied yet.";
                std::string next =
                    copy ? "; run the upgrade again to copy it (it continues the download): " +
                               context.module.command_for("upgrade")
                         : "; continue with: " +
                               transfer_command(context, "download", "--dir", options.dir.string());
                ic::rethrow_with_message(
                    error, "download failed: " + std::string(error.what()) + "\n" + state +
                               " What was read so far is kept in " + options.dir.string() + next);
            }
            if (out.json()) {
                auto& a = out.allocator();
                out.document().AddMember("backup", snapshot_json(result.snapshot, a), a);
                out.document().AddMember("dir", json_string(options.dir.string(), a), a);
                out.document().AddMember("total_bytes", result.total_bytes, a);
                out.document().AddMember("fetched_bytes", result.fetched_bytes, a);
                out.document().AddMember("resumed", result.resumed, a);
                return;
            }
            out.line("Downloaded backup " + snapshot_text(result.snapshot) + " of " +
                     context.module.label() + " into " + options.dir.string() + " (" +
                     std::to_string(result.manifest.files.size()) + " files, " +
                     juno::format_size(result.total_bytes) +
                     (result.resumed ? ", " + juno::format_size(result.fetched_bytes) +
                                           " of it fetched by this run"
                                     : std::string()) +
                     ").");
        });
}

int run_upload(const ParsedFlags& flags) {
    return with_module(
        flags, "upload", Access::Changes,
        [&](const Connection& connection, juno::Context& context, Output& out) {
            auto folder = folder_of(flags, connection, FolderUse::Upload);
            if (!folder) {
                fail(ErrorKind::Usage,
                     flags.has("every-module")
                         ? "no backup folders given: set JUNO_BACKUP_FROM_PARENT=<folder>, a "
                           "folder with one sub-folder per module name; nothing was done"
                         : "no folder given: pass --dir <folder> (or set JUNO_BACKUP_FROM, or "
                           "JUNO_BACKUP_FROM_PARENT for its sub-folder <name>)");
            }
            std::string dir = folder->string();
            auto result = upload_folder(flags, connection, context, dir,
                                        transfer_command(context, "upload", "--dir", dir));
            if (out.json()) {
                auto& a = out.allocator();
                out.document().AddMember("backup", snapshot_json(result.snapshot, a), a);
                if (result.replaced) {
                    out.document().AddMember("replaced", snapshot_json(*result.replaced, a), a);
                }
                out.document().AddMember(
                    "format", json_string(juno::transfer::to_string(result.format), a), a);
                out.document().AddMember("total_bytes", result.total_bytes, a);
                out.document().AddMember("sent_bytes", result.sent_bytes, a);
                out.document().AddMember("resumed", result.resumed, a);
                return;
            }
            out.line("Uploaded " + dir + " (written by " +
                     juno::transfer::to_string(result.format) + ") as backup " +
                     snapshot_text(result.snapshot) + " of " + context.module.label() + ".");
            if (result.replaced) {
                out.line("It replaced the oldest backup, " + juno::backup_id(*result.replaced) +
                         " (keeping " + std::to_string(backup_policy(flags, connection).keep) +
                         ").");
            }
            out.line("Load it with: " + context.module.command_for("restore") +
                     (context.module.name.empty() || context.module.build_dir.empty()
                          ? " --snapshot " + ic::to_hex(result.snapshot.id)
                          : " (JUNO_SNAPSHOT=" + ic::to_hex(result.snapshot.id) + ")"));
        });
}

int run_verify(const ParsedFlags& flags) {
    std::string dir = backup_dir(flags, "dir", "JUNO_BACKUP_DIR");
    juno::transfer::CheckedFolder folder = juno::transfer::check_folder(dir);
    Output out(flags.has("json"));
    const auto& m = folder.metadata;
    if (out.json()) {
        auto& a = out.allocator();
        auto& doc = out.document();
        doc.AddMember("dir", json_string(dir, a), a);
        doc.AddMember("format", json_string(juno::transfer::to_string(folder.format), a), a);
        if (folder.manifest) {
            doc.AddMember("canister_id", json_string(folder.manifest->canister_id, a), a);
            doc.AddMember("snapshot_id", json_string(ic::to_hex(folder.manifest->snapshot_id), a),
                          a);
        }
        doc.AddMember("taken_at_ns", m.taken_at_timestamp, a);
        doc.AddMember("wasm_module_size", m.wasm_module_size, a);
        doc.AddMember("wasm_memory_size", m.wasm_memory_size, a);
        doc.AddMember("stable_memory_size", m.stable_memory_size, a);
        doc.AddMember("chunks", static_cast<std::uint64_t>(m.wasm_chunk_store.size()), a);
        doc.AddMember("hashes_checked", folder.manifest.has_value(), a);
        out.flush();
        return 0;
    }
    out.row("folder", dir + " (written by " + juno::transfer::to_string(folder.format) + ")");
    if (folder.manifest) {
        out.row("backup", "0x" + ic::to_hex(folder.manifest->snapshot_id) + " of " +
                              folder.manifest->canister_id);
    }
    out.row("taken at", juno::format_time(m.taken_at_timestamp));
    for (const auto& f : folder.files) {
        if (f.blob) {
            out.row(ic::management::to_string(*f.blob),
                    std::to_string(f.size) + " bytes, sha256 " + ic::to_hex(f.sha256));
        }
    }
    out.row("chunk store", std::to_string(m.wasm_chunk_store.size()) + " chunk(s)");
    out.row("checked", folder.manifest
                           ? "every file matches its size and SHA-256 in the manifest"
                           : "sizes match metadata.json and chunks their names (no manifest: "
                             "no SHA-256 to check the other files against)");
    out.flush();
    return 0;
}

int run_whoami(const ParsedFlags& flags) {
    Connection connection = resolve_connection(flags);
    ic::Identity identity = load_identity(connection);
    Output out(flags.has("json"));
    // Where the key came from, so that a surprising principal can be traced (a JUNO_TOKEN left
    // in the environment, a name found in dfx's store rather than icp's); never the key.
    const bool given = !identity.origin().empty();
    const std::string source =
        given ? identity.origin() : "no identity was given and JUNO_TOKEN is not set";
    if (out.json()) {
        auto& a = out.allocator();
        out.document().AddMember("principal", json_string(identity.sender().to_text(), a), a);
        out.document().AddMember("algorithm", json_string(identity.algorithm_name(), a), a);
        out.document().AddMember("source", json_string(source, a), a);
    } else {
        // The principal alone on stdout, so that `$(juno-helper whoami)` stays usable.
        out.line(identity.sender().to_text());
        Output::notice(given ? std::string(identity.algorithm_name()) + " identity from " + source
                             : "anonymous: " + source);
    }
    out.flush();
    return 0;
}

int run_status(const ParsedFlags& flags) {
    return with_module(
        flags, "status", Access::Reads,
        [&](const Connection& connection, juno::Context& context, Output& out) {
            const ic::Principal& canister = context.module.canister;
            ic::management::CanisterStatus status = context.management.canister_status(canister);
            std::string hash = status.module_hash ? ic::to_hex(*status.module_hash) : "";
            if (out.json()) {
                auto& doc = out.document();
                auto& a = out.allocator();
                doc.AddMember("status", json_string(ic::management::to_string(status.status), a),
                              a);
                doc.AddMember("version", status.version, a);
                if (status.module_hash)
                    doc.AddMember("module_hash", json_string(hash, a), a);
                else
                    doc.AddMember("module_hash", rapidjson::Value(), a);
                rapidjson::Value controllers(rapidjson::kArrayType);
                for (const auto& c : status.controllers)
                    controllers.PushBack(json_string(c.to_text(), a), a);
                doc.AddMember("controllers", controllers, a);
                // Cycles and memory are nats that can exceed what JSON numbers carry exactly.
                doc.AddMember("cycles", json_string(status.cycles.to_string(), a), a);
                doc.AddMember("memory_size", json_string(status.memory_size.to_string(), a), a);
                return;
            }
            std::string controllers;
            for (const auto& c : status.controllers) {
                if (!controllers.empty()) controllers += ", ";
                controllers += c.to_text();
            }
            out.row("canister", canister.to_text() + (connection.module_name.empty()
                                                          ? ""
                                                          : " (" + connection.module_name + ")"));
            out.row("status", ic::management::to_string(status.status));
            out.row("module hash", status.module_hash ? hash : "(no module installed)");
            out.row("version", std::to_string(status.version));
            out.row("controllers", controllers.empty() ? "(none)" : controllers);
            out.row("cycles", status.cycles.to_string());
            out.row("memory", status.memory_size.to_string() + " bytes");
        });
}

}  // namespace

const std::vector<Command>& commands() {
    static const std::vector<Command> table = {
        {"backup", "stop the module, take a backup (snapshot), start it again",
         with_connection(
             {{"keep", true, "<n>", "backups to keep, 1 to 10 (default 1)"},
              {"no-overwrite", false, "", "never replace an existing backup"},
              {"overwrite", false, "", "replace the oldest backup when full (default)"}}),
         run_backup},
        {"restore", "stop the module, load a backup (the newest by default), start it again",
         with_connection(
             {{"snapshot", true, "<id>", "the backup to load (hex; default: newest)"},
              {"from", true, "<folder>",
               "upload this downloaded backup first and load it (env "
               "JUNO_BACKUP_FROM)"},
              {"from-parent", true, "<folder>",
               "with --from: the backup in <folder>/<module name> (env "
               "JUNO_BACKUP_FROM_PARENT)"},
              {"every-module", false, "",
               "refuse a one-module folder (what juno_restore_from runs)"},
              {"allow-package-change", true, "<list>",
               "with --from: allow a backup whose module is of another kind: kind"},
              {"keep", true, "<n>", "with --from: backups to keep, 1 to 10 (default 1)"},
              {"no-overwrite", false, "", "with --from: never replace an existing backup"},
              {"overwrite", false, "", "with --from: replace the oldest backup when full"},
              {"from-environment", false, "",
               "require JUNO_BACKUP_FROM (what juno_restore_from_<name> runs)"},
              {"load-wait", true, "<seconds>",
               "how long to wait while the IC cannot load the backup yet (default "
               "900; env JUNO_LOAD_WAIT)"}}),
         run_restore},
        {"upgrade", "install a new module version (backing up first), start it again",
         with_connection(
             {{"wasm", true, "<file>", "the Wasm or gzipped Wasm to install"},
              {"arg-file", true, "<file>", "Candid bytes passed to the upgrade"},
              {"no-backup", false, "", "do not back the module up first"},
              {"allow-package-change", true, "<list>",
               "allow for this run what Juno's package checks refuse: kind, stock, downgrade, "
               "skip or all, comma-separated (or JUNO_ALLOW_PACKAGE_CHANGE=<list>)"},
              {"keep", true, "<n>", "backups to keep, 1 to 10 (default 1)"},
              {"no-overwrite", false, "", "never replace an existing backup"},
              {"overwrite", false, "", "replace the oldest backup when full (default)"},
              {"force", false, "",
               "upgrade even if the module runs this Wasm (env JUNO_FORCE_UPGRADE=1)"},
              {"skip-pre-upgrade", false, "",
               "do not run the installed module's pre_upgrade, after the backup; what it would "
               "save is lost (env JUNO_SKIP_PRE_UPGRADE=1)"},
              {"fresh-install", false, "",
               "install into a module emptied of its code although it holds backups (env "
               "JUNO_FRESH_INSTALL=1)"}}),
         run_upgrade},
        {"list", "list the module's backups", with_connection({}), run_list},
        {"delete", "delete one backup, or all of them",
         with_connection({{"snapshot", true, "<id>", "the backup to delete (hex)"},
                          {"all", false, "", "delete every backup of the module"}}),
         run_delete},
        {"start", "start the module (after a failure left it stopped)", with_connection({}),
         run_start},
        {"status", "print a module's run status, module hash, version and controllers",
         with_connection({}), run_status},
        {"download",
         "copy a backup (the newest by default) into a folder, in icp's snapshot format plus a "
         "manifest; continues an interrupted download",
         with_connection(
             {{"dir", true, "<folder>", "where to write it (env JUNO_BACKUP_DIR)"},
              {"parent-dir", true, "<folder>",
               "write it into <folder>/<module name> (env JUNO_BACKUP_PARENT_DIR)"},
              {"every-module", false, "",
               "refuse a one-module folder (what juno_backup_download runs)"},
              {"snapshot", true, "<id>",
               "the backup to download (hex; default: the newest; env JUNO_SNAPSHOT)"},
              {"after-upgrade", false, "",
               "copy the latest upgrade's restore point into <folder>/<backup id> unless it is "
               "there (what juno_upgrade runs after the install with JUNO_UPGRADE_DOWNLOAD ON)"},
              {"before-upgrade", false, "",
               "the same, before an install (its failure says the module was not upgraded)"}}),
         run_download},
        {"upload",
         "add a downloaded backup folder (juno-helper's, icp's or Juno CLI's) to the module's "
         "backups; "
         "continues an interrupted upload",
         with_connection(
             {{"dir", true, "<folder>", "the backup's folder (env JUNO_BACKUP_FROM)"},
              {"parent-dir", true, "<folder>",
               "the backup in <folder>/<module name> (env JUNO_BACKUP_FROM_PARENT)"},
              {"every-module", false, "",
               "refuse a one-module folder (what juno_backup_upload runs)"},
              {"allow-package-change", true, "<list>",
               "allow a backup whose module is of another kind: kind (or all; env "
               "JUNO_ALLOW_PACKAGE_CHANGE)"},
              {"keep", true, "<n>", "backups to keep, 1 to 10 (default 1)"},
              {"no-overwrite", false, "", "never replace an existing backup"},
              {"overwrite", false, "", "replace the oldest backup when full (default)"}}),
         run_upload},
        {"verify",
         "check a downloaded backup offline (sizes, SHA-256, metadata) and say what it holds",
         {{"dir", true, "<folder>", "the backup's folder (env JUNO_BACKUP_DIR)"},
          {"json", false, "", "print one JSON document"}},
         run_verify},
        {"whoami",
         "print the principal of the identity (the controller to add to a module) and where it "
         "came from",
         with_connection({}), run_whoami, /*per_module=*/false},
    };
    return table;
}

}  // namespace cli
