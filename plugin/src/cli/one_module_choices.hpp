// A run over several modules (an aggregate target such as juno_restore, or several --config)
// gives every module's run the same flags and environment. What names one module's backup or
// backup folder cannot go to it: a snapshot id (--snapshot, JUNO_SNAPSHOT) names one backup of one
// module, and one folder (--dir, --from, JUNO_BACKUP_DIR, JUNO_BACKUP_FROM) holds one module's
// backup, which every module would then be restored from, uploaded into or downloaded into.
#pragma once

#include <string>
#include <vector>

#include "cli/backup_folder.hpp"

namespace cli {

// Checks the flags and environment of a run of `command` over several modules, before anything
// starts. Throws ic::Error (Usage) naming what was set, why it cannot go to every module, and what
// to use instead (unset it, the parent-folder form, or the module's own target); nothing was done.
// Accepted: JUNO_SNAPSHOT=all for delete (every backup of every module), and JUNO_SNAPSHOT when a
// restore takes folders from a parent (it is then set aside, as for one module).
void refuse_one_module_choices(const std::string& command, const std::vector<std::string>& flags,
                               const Environment& environment);

}  // namespace cli
