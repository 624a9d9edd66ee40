#include "cli/backup_folder.hpp"

#include <cstdlib>

#include "ic/error.hpp"

namespace cli {

namespace {

using ic::ErrorKind;
using ic::fail;

struct Names {
    const char* folder_flag;
    const char* parent_flag;
    const char* folder_variable;
    const char* parent_variable;
    const char* target;  // the aggregate; per module: <target>_<name>
};

Names names_of(FolderUse use) {
    switch (use) {
        case FolderUse::Download:
            return {"--dir", "--parent-dir", "JUNO_BACKUP_DIR", "JUNO_BACKUP_PARENT_DIR",
                    "juno_backup_download"};
        case FolderUse::Upload:
            return {"--dir", "--parent-dir", "JUNO_BACKUP_FROM", "JUNO_BACKUP_FROM_PARENT",
                    "juno_backup_upload"};
        case FolderUse::Restore:
            break;
    }
    return {"--from", "--from-parent", "JUNO_BACKUP_FROM", "JUNO_BACKUP_FROM_PARENT",
            "juno_restore_from"};
}

std::filesystem::path sub_folder(const std::string& parent, const FolderRequest& request,
                                 const char* given) {
    if (request.module_name.empty()) {
        fail(ErrorKind::Usage, std::string(given) + " names a folder with one sub-folder per " +
                                   "module name, and this run has no module name (give " +
                                   "--config <module.json>); nothing was done");
    }
    return std::filesystem::path(parent) / request.module_name;
}

}  // namespace

Environment process_environment() {
    return [](const char* variable) -> std::optional<std::string> {
        const char* value = std::getenv(variable);
        if (!value || !*value) return std::nullopt;
        return std::string(value);
    };
}

std::optional<std::filesystem::path> backup_folder(const FolderRequest& request,
                                                   const Environment& environment) {
    const Names n = names_of(request.use);
    const std::string one_module = request.module_name.empty()
                                       ? std::string(n.target) + "_<name>"
                                       : std::string(n.target) + "_" + request.module_name;
    if (request.folder_flag && request.parent_flag) {
        fail(ErrorKind::Usage, std::string("give ") + n.folder_flag + " <folder> (this module's) " +
                                   "or " + n.parent_flag + " <folder> (one sub-folder per " +
                                   "module), not both; nothing was done");
    }
    if (request.folder_flag) {
        if (request.every_module) {
            fail(ErrorKind::Usage,
                 std::string(n.folder_flag) + " " + *request.folder_flag +
                     " names one module's folder, and this run is for every module: give " +
                     n.parent_flag + " " + *request.folder_flag + " to use " +
                     *request.folder_flag + "/<name> for each; nothing was done");
        }
        return std::filesystem::path(*request.folder_flag);
    }
    if (request.parent_flag) return sub_folder(*request.parent_flag, request, n.parent_flag);

    std::optional<std::string> folder = environment(n.folder_variable);
    std::optional<std::string> parent = environment(n.parent_variable);
    if (folder && request.every_module) {
        fail(ErrorKind::Usage, std::string(n.folder_variable) + " is set (" + *folder +
                                   "), which names one module's folder, but " + n.target +
                                   " is for every module and one folder holds one backup. Set " +
                                   n.parent_variable + "=" + *folder + " instead (each module in " +
                                   *folder + "/<name>), or run " + one_module +
                                   " for one module; nothing was done");
    }
    if (folder && parent) {
        fail(ErrorKind::Usage,
             std::string("both ") + n.folder_variable + " (" + *folder + ") and " +
                 n.parent_variable + " (" + *parent + ") are set: " + n.folder_variable +
                 " names this module's folder, " + n.parent_variable +
                 " a folder with one sub-folder per module. Unset one of them; nothing was done");
    }
    if (folder) return std::filesystem::path(*folder);
    if (parent) return sub_folder(*parent, request, n.parent_variable);
    if (request.use == FolderUse::Download && !request.module_name.empty() &&
        !request.build_dir.empty()) {
        return std::filesystem::path(request.build_dir) / "juno" / "backups" / request.module_name;
    }
    return std::nullopt;
}

}  // namespace cli
