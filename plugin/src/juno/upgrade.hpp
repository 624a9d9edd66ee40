// juno-helper upgrade: installs a new module version, with the exact restore point of DESIGN.md.
#pragma once

#include <filesystem>
#include <optional>

#include "juno/backup.hpp"
#include "juno/module.hpp"
#include "juno/wasm.hpp"

namespace juno {

struct UpgradeOptions {
    std::filesystem::path wasm;
    std::optional<std::filesystem::path> install_arg;
    // Back the module up before installing (JUNO_UPGRADE_BACKUP): the restore point is the
    // state the module had when the upgrade stopped it.
    bool backup_first = true;
    BackupPolicy backup_policy;
    // Where the backup step left its restore point; empty: no backup step ran before.
    std::filesystem::path state_dir;
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
    enum class RestorePointSource { None, BackupStep, TakenAgain, TakenNow, KeptExisting };
    RestorePointSource restore_point_source = RestorePointSource::None;
};

UpgradeResult upgrade(Context& context, const UpgradeOptions& options);

}  // namespace juno
