// What the backup step tells the upgrade step that follows it in the same build: which backup
// it took and the module's version at that moment, so that the upgrade can tell whether the
// module changed in between and must be backed up again while it is stopped.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>

#include "ic/principal.hpp"
#include "juno/snapshots.hpp"

namespace juno {

struct RestorePoint {
    ic::Principal canister;
    Snapshot snapshot;
    bool kept_existing = false;             // overwriting was off: the backup predates this build
    std::uint64_t version_at_snapshot = 0;  // canister version while stopped, after the snapshot
    std::int64_t written_at = 0;            // seconds since the epoch
};

std::filesystem::path restore_point_path(const std::filesystem::path& state_dir,
                                         const ic::Principal& canister);
void save_restore_point(const std::filesystem::path& state_dir, const RestorePoint& point);
// The point the backup step left for `canister`, if it is younger than `max_age`; unreadable or
// foreign files count as absent (the upgrade then takes its own backup).
std::optional<RestorePoint> load_restore_point(const std::filesystem::path& state_dir,
                                               const ic::Principal& canister,
                                               std::chrono::seconds max_age);
void forget_restore_point(const std::filesystem::path& state_dir, const ic::Principal& canister);

}  // namespace juno
