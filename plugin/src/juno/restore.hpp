// juno-helper restore: stop, load a backup (the newest by default), start.
#pragma once

#include <optional>
#include <string>

#include "juno/lifecycle.hpp"
#include "juno/module.hpp"
#include "juno/snapshots.hpp"

namespace juno {

struct RestoreResult {
    Snapshot restored;
    FinalState final_state;  // read at the end
};

// Loads the backup `hex` (or the newest). An unknown id is refused, listing the known ones,
// before the module is touched. A module its owner had stopped is loaded and left stopped.
RestoreResult restore(Context& context, const std::optional<std::string>& hex);

}  // namespace juno
