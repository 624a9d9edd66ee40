// A module's backups (canister snapshots): listing, choosing and deleting them.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "juno/module.hpp"

namespace juno {

using ic::management::Snapshot;

// Oldest first.
std::vector<Snapshot> list_backups(Context& context);
// The same through `management`, e.g. a fork's beside other calls (wave.hpp).
std::vector<Snapshot> list_backups(ic::management::ManagementCanister& management,
                                   const ic::Principal& canister);

const Snapshot* newest(const std::vector<Snapshot>& backups);
const Snapshot* oldest(const std::vector<Snapshot>& backups);

// The backup with id `hex` (with or without 0x); throws ic::Error (Usage) listing the known ids
// when there is none.
const Snapshot& find_backup(const std::vector<Snapshot>& backups, const std::string& hex,
                            const Module& module);

std::string backup_id(const Snapshot& snapshot);  // 0x-prefixed lowercase hex, as Juno shows it

struct DeleteResult {
    std::vector<Snapshot> deleted;
    std::size_t remaining = 0;
};
// Deletes the backup `hex`, or every backup when `all`; needs no stop.
DeleteResult delete_backups(Context& context, const std::optional<std::string>& hex, bool all);

}  // namespace juno
