// juno-helper upgrade: installs a new module version, with the exact restore point of DESIGN.md.
#pragma once

#include <filesystem>
#include <optional>

#include "juno/backup.hpp"
#include "juno/module.hpp"
#include "juno/package.hpp"
#include "juno/wasm.hpp"

namespace juno {

struct UpgradeOptions {
    std::filesystem::path wasm;
    std::optional<std::filesystem::path> install_arg;
    // Back the module up before installing (JUNO_UPGRADE_BACKUP): the restore point is the
    // state the module had when the upgrade stopped it.
    bool backup_first = true;
    BackupPolicy backup_policy;
    // Upgrade even when the module already runs this Wasm (to pass a new argument, or to run its
    // post_upgrade again).
    bool force = false;
    // Do not run the installed module's pre_upgrade: for a module whose pre_upgrade traps, which
    // no new build can fix. What it would have saved to stable memory is lost, so it needs the
    // backup step. A per-run choice, never a setting.
    bool skip_pre_upgrade = false;
    // Install into a module that has no code but holds backups (its state was emptied): without
    // this the upgrade refuses, since installing runs init on an empty state.
    bool fresh_install = false;
    // Juno's juno:package checks (kind, stock, downgrade, skip) and the changes allowed this run.
    PackageCheckOptions package_checks;
};

struct UpgradeResult {
    enum class Outcome { Unchanged, Installed, Upgraded } outcome = Outcome::Upgraded;
    ic::Hash module_hash{};
    std::optional<ic::Bytes> previous_hash;
    bool chunked = false;
    std::size_t chunks_uploaded = 0;
    std::size_t chunks_reused = 0;
    // The backup that restores the module to its state before the upgrade, if any.
    std::optional<Snapshot> restore_point;
    enum class RestorePointSource {
        None,
        BackupStep,      // the backup step's backup holds exactly the state the upgrade stopped
        TakenNow,        // taken while stopped for the upgrade
        KeptExisting,    // overwriting is off and the module is full: its newest backup
        EarlierUpgrade,  // the upgrade that installed this module (maybe interrupted) secured it
    };
    RestorePointSource restore_point_source = RestorePointSource::None;
    FinalState final_state;  // read at the end
};

// Checks the Wasm (and argument) before touching the module; does nothing when the module already
// runs it; else uploads chunks while the module runs (large modules), then, in one stop window,
// secures the restore point (backup_first) and installs, then starts the module again (unless
// its owner had it stopped) and clears the chunk store. An UpgradeRecord (records.hpp) keeps its
// restore point from being replaced while the upgrade is unfinished, and afterwards while the
// module runs what it installed.
UpgradeResult upgrade(Context& context, const UpgradeOptions& options);

}  // namespace juno
