#include "cli/one_module_choices.hpp"

#include <algorithm>
#include <optional>

#include "ic/error.hpp"

namespace cli {

namespace {

using ic::ErrorKind;
using ic::fail;

// The aggregate target that runs `command` over every module; its per-module form adds _<name>.
std::string aggregate_of(const std::string& command) {
    if (command == "delete") return "juno_backup_delete";
    if (command == "download") return "juno_backup_download";
    if (command == "upload") return "juno_backup_upload";
    return "juno_" + command;
}

bool has_flag(const std::vector<std::string>& flags, const std::string& name) {
    return std::any_of(flags.begin(), flags.end(), [&](const std::string& f) {
        return f == name || f.starts_with(name + "=");
    });
}

}  // namespace

void refuse_one_module_choices(const std::string& command, const std::vector<std::string>& flags,
                               const Environment& environment) {
    const std::string run =
        "this run is for several modules (" + aggregate_of(command) + ", or several --config)";
    const std::string one = aggregate_of(command) + "_<name>";
    if (has_flag(flags, "--snapshot")) {
        fail(ErrorKind::Usage, "--snapshot names one backup of one module, and " + run +
                                   ": give that module's --config alone; nothing was done");
    }
    const bool restore = command == "restore";
    const bool from_parent =
        restore && (has_flag(flags, "--from-parent") || has_flag(flags, "--from-environment") ||
                    environment("JUNO_BACKUP_FROM_PARENT").has_value());
    if (command == "restore" || command == "delete" || command == "download") {
        std::optional<std::string> id = environment("JUNO_SNAPSHOT");
        if (id && !(command == "delete" && *id == "all") && !from_parent) {
            const std::string instead =
                command == "restore"    ? "Unset it to restore each module's newest backup"
                : command == "download" ? "Unset it to download each module's newest backup"
                                        : "Unset it, or set JUNO_SNAPSHOT=all to delete every "
                                          "backup of every module";
            fail(ErrorKind::Usage, "JUNO_SNAPSHOT is set (" + *id +
                                       "), which names one backup of one module, but " + run +
                                       ". " + instead + ", or run " + one +
                                       " for that module; nothing was done");
        }
    }
    // One module's folder, as a flag or a variable, and the parent form that names one per module.
    struct Folder {
        const char* flag;
        const char* variable;
        const char* parent_variable;
    };
    std::optional<Folder> folder;
    if (command == "download")
        folder = Folder{"--dir", "JUNO_BACKUP_DIR", "JUNO_BACKUP_PARENT_DIR"};
    if (command == "upload")
        folder = Folder{"--dir", "JUNO_BACKUP_FROM", "JUNO_BACKUP_FROM_PARENT"};
    if (restore) folder = Folder{"--from", "JUNO_BACKUP_FROM", "JUNO_BACKUP_FROM_PARENT"};
    // With --every-module (juno_backup_download, juno_backup_upload, juno_restore_from) each
    // module's run refuses a one-module folder itself, naming that target (backup_folder.hpp).
    if (!folder || has_flag(flags, "--every-module")) return;
    const std::string per_module =
        restore ? std::string("juno_restore_from_<name>") : aggregate_of(command) + "_<name>";
    if (has_flag(flags, folder->flag)) {
        fail(ErrorKind::Usage, std::string(folder->flag) +
                                   " names one module's backup folder, and " + run +
                                   ": give the parent folder instead (" +
                                   (restore ? "--from-parent" : "--parent-dir") +
                                   " <folder>, one sub-folder per module name); nothing was done");
    }
    if (auto dir = environment(folder->variable)) {
        fail(ErrorKind::Usage,
             std::string(folder->variable) + " is set (" + *dir +
                 "), which names one module's backup folder, but " + run +
                 (command == "download" ? ", which one folder cannot hold"
                                        : ", and each would get that one module's backup") +
                 ". Set " + folder->parent_variable + "=" + *dir + " instead (each module in " +
                 *dir + "/<name>)" +
                 (restore ? ", unset it to load each module's newest backup on-chain" : "") +
                 ", or run " + per_module + " for one module; nothing was done");
    }
}

}  // namespace cli
