#include "juno/upgrade.hpp"

#include "ic/error.hpp"
#include "juno/chunk_upload.hpp"
#include "juno/lifecycle.hpp"
#include "juno/restore_point.hpp"

namespace juno {

namespace {

using ic::management::InstallMode;
using Source = UpgradeResult::RestorePointSource;

// The IC's ingress limit is 2 MiB for the whole signed request; keep room for the envelope.
constexpr std::size_t max_single_install = 2 * 1024 * 1024 - 4 * 1024;

// How far the canister version moves when a stopped module is started and stopped again with
// nothing executed in between (see tests/replica/README.md for what the IC counts). Anything
// beyond it means the module ran messages after its backup.
constexpr std::uint64_t versions_per_restart = 2;

// A restore point left by a backup step older than this is not trusted to be this build's.
constexpr std::chrono::hours restore_point_max_age{6};

// Makes sure a backup holds the module's state as of now (the module is stopped).
void secure_restore_point(Context& context, const UpgradeOptions& options, std::uint64_t version,
                          UpgradeResult& result) {
    auto point =
        load_restore_point(options.state_dir, context.module.canister, restore_point_max_age);
    if (point && point->kept_existing) {
        context.progress("the restore point is backup " + backup_id(point->snapshot) + " from " +
                         format_time(point->snapshot.taken_at_timestamp) +
                         ", kept because overwriting backups is off");
        result.restore_point = point->snapshot;
        result.restore_point_source = Source::KeptExisting;
        return;
    }
    if (point && version == point->version_at_snapshot + versions_per_restart) {
        context.progress("the module has not changed since backup " + backup_id(point->snapshot) +
                         ": it is the exact restore point");
        result.restore_point = point->snapshot;
        result.restore_point_source = Source::BackupStep;
        return;
    }
    std::optional<Snapshot> replace;
    if (point) {
        context.progress("the module changed after backup " + backup_id(point->snapshot) +
                         " (version " + std::to_string(point->version_at_snapshot) + " -> " +
                         std::to_string(version) + "); backing it up again while it is stopped");
        for (const auto& backup : list_backups(context)) {
            if (backup.id == point->snapshot.id) replace = backup;
        }
    }
    BackupResult backup = take_backup_while_stopped(context, options.backup_policy, replace);
    result.restore_point = backup.snapshot;
    if (backup.outcome == BackupResult::Outcome::Kept) {
        result.restore_point_source = Source::KeptExisting;
    } else {
        result.restore_point_source = point ? Source::TakenAgain : Source::TakenNow;
    }
}

// Modules with enhanced orthogonal persistence (Motoko) say so in a private metadata section, and
// the IC refuses to upgrade them unless told to keep their Wasm memory.
bool uses_orthogonal_persistence(Context& context) {
    const ic::Principal& canister = context.module.canister;
    std::vector<ic::Bytes> path{ic::label("canister"), canister.bytes(), ic::label("metadata"),
                                ic::label("enhanced-orthogonal-persistence")};
    auto certificate = context.agent.read_state(canister, {path});
    return certificate.lookup(path).status == ic::HashTree::LookupStatus::Found;
}

void install(Context& context, const WasmFile& wasm, const ic::Bytes& arg, InstallMode mode,
             bool keep_wasm_memory, const std::optional<ChunkUploadResult>& chunks) {
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
        context.management.install_chunked_code(args);
    } else {
        ic::management::InstallCode args;
        args.mode = mode;
        args.canister_id = context.module.canister;
        args.wasm_module = wasm.bytes;
        args.arg = arg;
        args.keep_wasm_memory = keep_wasm_memory;
        context.management.install_code(args);
    }
}

std::string describe_restore_point(const UpgradeResult& result) {
    if (!result.restore_point) return "No backup was taken.";
    return "Restore point: backup " + backup_id(*result.restore_point) + " from " +
           format_time(result.restore_point->taken_at_timestamp) + ".";
}

}  // namespace

UpgradeResult upgrade(Context& context, const UpgradeOptions& options) {
    // Everything that can be checked without the module is checked before touching it.
    WasmFile wasm = read_wasm(options.wasm);
    ic::Bytes arg;
    if (options.install_arg) arg = read_install_arg(*options.install_arg, max_single_install);

    UpgradeResult result;
    result.module_hash = wasm.hash;
    auto status = context.management.canister_status(context.module.canister);
    result.previous_hash = status.module_hash;
    if (status.module_hash && *status.module_hash == ic::to_bytes(wasm.hash)) {
        result.outcome = UpgradeResult::Outcome::Unchanged;
        return result;
    }
    InstallMode mode = status.module_hash ? InstallMode::Upgrade : InstallMode::Install;
    result.outcome =
        status.module_hash ? UpgradeResult::Outcome::Upgraded : UpgradeResult::Outcome::Installed;

    bool keep_wasm_memory = mode == InstallMode::Upgrade && uses_orthogonal_persistence(context);
    if (keep_wasm_memory) {
        context.progress(
            "the module uses enhanced orthogonal persistence: its Wasm memory is kept");
    }

    // Chunks go up while the module still runs, so that it is stopped only for the install.
    std::optional<ChunkUploadResult> chunks;
    if (wasm.bytes.size() + arg.size() > max_single_install) {
        result.chunked = true;
        chunks = upload_chunks(context, wasm.bytes);
        result.chunks_uploaded = chunks->uploaded;
        result.chunks_reused = chunks->reused;
    }

    bool install_requested = false;
    bool installed = false;
    try {
        with_module_stopped(context, [&] {
            if (options.backup_first && mode == InstallMode::Upgrade) {
                auto stopped = context.management.canister_status(context.module.canister);
                secure_restore_point(context, options, stopped.version, result);
            }
            install_requested = true;
            install(context, wasm, arg, mode, keep_wasm_memory, chunks);
            installed = true;
        });
    } catch (const ic::Error& error) {
        std::string message = error.what();
        if (!left_module_stopped(error)) {
            if (installed) {
                message += "\nThe new version is installed.";
            } else if (install_requested && !outcome_known(error)) {
                message +=
                    "\nThe IC's answer was lost or could not be trusted, so the new version "
                    "may or may not be installed; " +
                    context.module.label() + " is running again. " +
                    describe_restore_point(result) +
                    " Check the module hash with: " + context.module.command_for("status") +
                    ", then run the upgrade again if needed (it does nothing when the module "
                    "is already up to date): " +
                    context.module.command_for("upgrade");
            } else {
                message += "\n" + context.module.label() +
                           " is running its previous version again (an install that fails changes "
                           "nothing). " +
                           describe_restore_point(result) +
                           " Fix the cause and run the upgrade again: " +
                           context.module.command_for("upgrade");
            }
        }
        ic::rethrow_with_message(error, "upgrade failed: " + message);
    }
    if (options.backup_first) forget_restore_point(options.state_dir, context.module.canister);

    if (chunks) {
        try {
            context.management.clear_chunk_store(context.module.canister);
        } catch (const ic::Error& error) {
            // The module is upgraded and running; stale chunks only cost storage.
            context.progress(std::string("warning: could not clear the chunk store: ") +
                             error.what());
        }
    }
    return result;
}

}  // namespace juno
