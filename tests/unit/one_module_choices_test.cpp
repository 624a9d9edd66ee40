#include "cli/one_module_choices.hpp"

#include <gtest/gtest.h>

#include <map>

#include "ic/error.hpp"

namespace {

using Flags = std::vector<std::string>;

cli::Environment environment(std::map<std::string, std::string> values) {
    return [values](const char* variable) -> std::optional<std::string> {
        auto it = values.find(variable);
        if (it == values.end()) return std::nullopt;
        return it->second;
    };
}

// The refusal's message, or "" (with a test failure) when the run was accepted.
std::string refusal(const std::string& command, const Flags& flags,
                    std::map<std::string, std::string> env) {
    try {
        cli::refuse_one_module_choices(command, flags, environment(std::move(env)));
    } catch (const ic::Error& e) {
        EXPECT_EQ(e.kind(), ic::ErrorKind::Usage);
        return e.what();
    }
    ADD_FAILURE() << command << " was accepted";
    return "";
}

void accepted(const std::string& command, const Flags& flags,
              std::map<std::string, std::string> env) {
    EXPECT_NO_THROW(cli::refuse_one_module_choices(command, flags, environment(std::move(env))))
        << command;
}

TEST(OneModuleChoices, ASnapshotIdIsRefusedForRestoreDeleteAndDownload) {
    for (const char* command : {"restore", "delete", "download"}) {
        std::string m = refusal(command, {}, {{"JUNO_SNAPSHOT", "0a0b"}});
        EXPECT_NE(m.find("JUNO_SNAPSHOT is set (0a0b), which names one backup of one module"),
                  std::string::npos)
            << m;
        EXPECT_NE(m.find("nothing was done"), std::string::npos) << m;
    }
    EXPECT_NE(refusal("restore", {}, {{"JUNO_SNAPSHOT", "0a"}}).find("run juno_restore_<name>"),
              std::string::npos);
    EXPECT_NE(refusal("delete", {}, {{"JUNO_SNAPSHOT", "0a"}}).find("JUNO_SNAPSHOT=all"),
              std::string::npos);
    EXPECT_NE(refusal("backup", {"--snapshot", "0a"}, {}).find("--snapshot names one backup"),
              std::string::npos);
}

TEST(OneModuleChoices, EveryBackupOfEveryModuleAndTheNewestAreAccepted) {
    accepted("delete", {}, {{"JUNO_SNAPSHOT", "all"}});
    accepted("restore", {}, {});
    accepted("backup", {}, {{"JUNO_SNAPSHOT", "0a"}});  // backup takes no id
    accepted("upgrade", {}, {{"JUNO_BACKUP_FROM", "/f"}});
}

TEST(OneModuleChoices, RestoreFromParentFoldersSetsTheIdAside) {
    accepted("restore", {"--from-environment", "--every-module"},
             {{"JUNO_SNAPSHOT", "0a"}, {"JUNO_BACKUP_FROM_PARENT", "/p"}});
    accepted("restore", {"--from-parent", "/p"}, {{"JUNO_SNAPSHOT", "0a"}});
    accepted("restore", {}, {{"JUNO_SNAPSHOT", "0a"}, {"JUNO_BACKUP_FROM_PARENT", "/p"}});
}

TEST(OneModuleChoices, OneModulesFolderIsRefusedNamingTheParentForm) {
    std::string m = refusal("restore", {}, {{"JUNO_BACKUP_FROM", "/b/m0"}});
    EXPECT_NE(m.find("JUNO_BACKUP_FROM is set (/b/m0)"), std::string::npos) << m;
    EXPECT_NE(m.find("each would get that one module's backup"), std::string::npos) << m;
    EXPECT_NE(m.find("Set JUNO_BACKUP_FROM_PARENT=/b/m0 instead"), std::string::npos) << m;
    EXPECT_NE(m.find("juno_restore_from_<name>"), std::string::npos) << m;
    m = refusal("download", {}, {{"JUNO_BACKUP_DIR", "/d"}});
    EXPECT_NE(m.find("Set JUNO_BACKUP_PARENT_DIR=/d instead"), std::string::npos) << m;
    m = refusal("upload", {"--dir", "/u"}, {});
    EXPECT_NE(m.find("--parent-dir <folder>"), std::string::npos) << m;
    m = refusal("restore", {"--from=/u"}, {});
    EXPECT_NE(m.find("--from-parent <folder>"), std::string::npos) << m;
}

TEST(OneModuleChoices, EveryModuleRunsLeaveFoldersToTheirOwnCheck) {
    // backup_folder() refuses these itself, naming the aggregate the run came from.
    accepted("download", {"--every-module"}, {{"JUNO_BACKUP_DIR", "/d"}});
    accepted("restore", {"--from-environment", "--every-module"}, {{"JUNO_BACKUP_FROM", "/f"}});
}

}  // namespace
