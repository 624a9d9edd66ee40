// juno-helper restore: stop, load a backup (the newest by default), start.
#pragma once

#include <optional>
#include <string>

#include "juno/module.hpp"
#include "juno/snapshots.hpp"

namespace juno {

// Loads the backup `hex` (or the newest). An unknown id is refused, listing the known ones,
// before the module is touched.
Snapshot restore(Context& context, const std::optional<std::string>& hex);

}  // namespace juno
