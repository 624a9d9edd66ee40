// juno-helper restore: stop, load a backup (the newest by default), start.
#pragma once

#include <chrono>
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
// before the module is touched. A module its owner had stopped is loaded and left stopped. While
// the IC answers that the backup is not loadable yet (until the subnet's next checkpoint), the
// load is asked again, with the module stopped, for at most `load_wait`.
constexpr std::chrono::seconds default_load_wait{15 * 60};
RestoreResult restore(Context& context, const std::optional<std::string>& hex,
                      std::chrono::seconds load_wait = default_load_wait);

}  // namespace juno
