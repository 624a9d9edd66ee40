// Which folder an off-chain backup of a module goes to or comes from. One module's folder is
// named directly (--dir, --from, JUNO_BACKUP_DIR, JUNO_BACKUP_FROM); several modules' share a
// parent folder with one sub-folder per module name (--parent-dir, --from-parent,
// JUNO_BACKUP_PARENT_DIR, JUNO_BACKUP_FROM_PARENT), since one folder holds one backup. The
// aggregate targets run with --every-module, which refuses a one-module folder: given to every
// module's run it would send them all into the same folder.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>

namespace cli {

enum class FolderUse {
    Download,  // download's destination: --dir / --parent-dir, JUNO_BACKUP_DIR / _PARENT_DIR
    Upload,    // upload's source: --dir / --parent-dir, JUNO_BACKUP_FROM / _FROM_PARENT
    Restore,   // restore --from's source: --from / --from-parent, the same variables as upload
};

struct FolderRequest {
    FolderUse use = FolderUse::Download;
    std::optional<std::string> folder_flag;  // --dir or --from
    std::optional<std::string> parent_flag;  // --parent-dir or --from-parent
    bool every_module = false;               // --every-module
    std::string module_name;                 // from the module config; may be empty
    std::string build_dir;                   // from the module config; may be empty
};

// Reads one environment variable; nullopt when unset or empty.
using Environment = std::function<std::optional<std::string>(const char* variable)>;
Environment process_environment();

// The folder the request names: flags first (the folder, else the parent's sub-folder
// <parent>/<module name>), then the environment the same way, then, for a download from a build,
// <build>/juno/backups/<name>. nullopt when nothing names one (a restore then loads an on-chain
// backup; a download or upload refuses). Throws ic::Error (Usage), saying what was set and what to
// set instead, with nothing done: a folder and a parent given together (as flags, or as
// variables), a one-module folder with --every-module, a parent without a module name.
std::optional<std::filesystem::path> backup_folder(const FolderRequest& request,
                                                   const Environment& environment);

}  // namespace cli
