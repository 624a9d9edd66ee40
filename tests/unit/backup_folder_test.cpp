#include "cli/backup_folder.hpp"

#include <gtest/gtest.h>

#include <map>

#include "ic/error.hpp"

namespace {

using cli::FolderUse;

cli::Environment environment(std::map<std::string, std::string> values) {
    return [values](const char* variable) -> std::optional<std::string> {
        auto it = values.find(variable);
        if (it == values.end()) return std::nullopt;
        return it->second;
    };
}

cli::FolderRequest request(FolderUse use, bool every_module = false) {
    cli::FolderRequest r;
    r.use = use;
    r.every_module = every_module;
    r.module_name = "satellite";
    r.build_dir = "/build";
    return r;
}

std::string refusal(const cli::FolderRequest& r, const cli::Environment& env) {
    try {
        cli::backup_folder(r, env);
    } catch (const ic::Error& e) {
        EXPECT_EQ(e.kind(), ic::ErrorKind::Usage);
        return e.what();
    }
    ADD_FAILURE() << "no refusal";
    return "";
}

TEST(BackupFolder, OneModuleKeepsItsFolderAndDefault) {
    EXPECT_EQ(cli::backup_folder(request(FolderUse::Download), environment({})),
              std::filesystem::path("/build/juno/backups/satellite"));
    EXPECT_EQ(cli::backup_folder(request(FolderUse::Download),
                                 environment({{"JUNO_BACKUP_DIR", "/keep/sat"}})),
              std::filesystem::path("/keep/sat"));
    EXPECT_EQ(cli::backup_folder(request(FolderUse::Upload), environment({})), std::nullopt);
    EXPECT_EQ(cli::backup_folder(request(FolderUse::Restore),
                                 environment({{"JUNO_BACKUP_FROM", "/keep/sat"}})),
              std::filesystem::path("/keep/sat"));
}

TEST(BackupFolder, ParentGivesEachModuleItsSubFolder) {
    EXPECT_EQ(cli::backup_folder(request(FolderUse::Download, true),
                                 environment({{"JUNO_BACKUP_PARENT_DIR", "/keep"}})),
              std::filesystem::path("/keep/satellite"));
    EXPECT_EQ(cli::backup_folder(request(FolderUse::Download, true), environment({})),
              std::filesystem::path("/build/juno/backups/satellite"));
    EXPECT_EQ(cli::backup_folder(request(FolderUse::Restore, true),
                                 environment({{"JUNO_BACKUP_FROM_PARENT", "/keep"}})),
              std::filesystem::path("/keep/satellite"));
    // Downloads set aside never become an upload's source.
    EXPECT_EQ(cli::backup_folder(request(FolderUse::Upload, true),
                                 environment({{"JUNO_BACKUP_PARENT_DIR", "/keep"}})),
              std::nullopt);
    auto r = request(FolderUse::Upload);
    r.parent_flag = "/flags";
    EXPECT_EQ(cli::backup_folder(r, environment({{"JUNO_BACKUP_FROM", "/env"}})),
              std::filesystem::path("/flags/satellite"));
}

TEST(BackupFolder, RefusesOneFolderForEveryModuleNamingTheFix) {
    std::string why = refusal(request(FolderUse::Download, true),
                              environment({{"JUNO_BACKUP_DIR", "/keep/sat"}}));
    EXPECT_NE(why.find("JUNO_BACKUP_DIR is set (/keep/sat)"), std::string::npos) << why;
    EXPECT_NE(why.find("JUNO_BACKUP_PARENT_DIR=/keep/sat instead"), std::string::npos) << why;
    EXPECT_NE(why.find("juno_backup_download_satellite"), std::string::npos) << why;
    why = refusal(request(FolderUse::Restore, true),
                  environment({{"JUNO_BACKUP_FROM", "/keep/sat"}}));
    EXPECT_NE(why.find("JUNO_BACKUP_FROM_PARENT=/keep/sat"), std::string::npos) << why;
    EXPECT_NE(why.find("juno_restore_from_satellite"), std::string::npos) << why;
    auto r = request(FolderUse::Upload, true);
    r.folder_flag = "/one";
    why = refusal(r, environment({}));
    EXPECT_NE(why.find("--parent-dir /one"), std::string::npos) << why;
}

TEST(BackupFolder, RefusesAmbiguousPairsAndParentsWithoutAName) {
    std::string why =
        refusal(request(FolderUse::Download),
                environment({{"JUNO_BACKUP_DIR", "/a"}, {"JUNO_BACKUP_PARENT_DIR", "/b"}}));
    EXPECT_NE(why.find("Unset one of them"), std::string::npos) << why;
    auto r = request(FolderUse::Restore);
    r.folder_flag = "/a";
    r.parent_flag = "/b";
    EXPECT_NE(refusal(r, environment({})).find("not both"), std::string::npos);
    r = request(FolderUse::Download);
    r.module_name.clear();
    EXPECT_NE(refusal(r, environment({{"JUNO_BACKUP_PARENT_DIR", "/b"}})).find("no module name"),
              std::string::npos);
}

}  // namespace
