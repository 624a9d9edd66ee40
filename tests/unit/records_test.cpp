#include "juno/records.hpp"

#include <gtest/gtest.h>

#include <fstream>

namespace {

std::filesystem::path fresh_dir(const std::string& name) {
    auto dir = std::filesystem::temp_directory_path() / ("juno_records_" + name);
    std::filesystem::remove_all(dir);
    return dir;
}

juno::Snapshot snapshot(const char* hex, std::uint64_t at) {
    juno::Snapshot s;
    s.id = ic::from_hex(hex);
    s.taken_at_timestamp = at;
    s.total_size = 861;
    return s;
}

TEST(BackupRecord, RoundTrips) {
    auto file = fresh_dir("backup") / "m.backup.json";
    EXPECT_FALSE(juno::load_backup_record(file));
    juno::save_backup_record(file, {snapshot("0101", 5), ic::from_hex("aa"), 9});
    auto back = juno::load_backup_record(file);
    ASSERT_TRUE(back);
    EXPECT_EQ(back->snapshot.id, ic::from_hex("0101"));
    EXPECT_EQ(back->snapshot.taken_at_timestamp, 5u);
    EXPECT_EQ(back->module_hash, ic::from_hex("aa"));
    EXPECT_EQ(back->version_after, 9u);
    juno::forget_record(file);
    EXPECT_FALSE(juno::load_backup_record(file));
}

TEST(BackupRecord, DamagedIsAbsent) {
    auto file = fresh_dir("damaged") / "m.backup.json";
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file) << "{ not json";
    EXPECT_FALSE(juno::load_backup_record(file));
    std::ofstream(file) << R"({"backup": {"id": "zz", "taken_at": 1, "total_size": 1}})";
    EXPECT_FALSE(juno::load_backup_record(file));
}

TEST(UpgradeRecord, RoundTripsWithAndWithoutARestorePoint) {
    auto file = fresh_dir("pending") / "m.pending-upgrade.json";
    juno::save_upgrade_record(file, {snapshot("0202", 7), ic::from_hex("bb"), ic::from_hex("aa"),
                                     true, ic::from_hex("cc")});
    auto back = juno::load_upgrade_record(file);
    ASSERT_TRUE(back);
    ASSERT_TRUE(back->restore_point);
    EXPECT_EQ(back->restore_point->id, ic::from_hex("0202"));
    EXPECT_EQ(back->new_module_hash, ic::from_hex("bb"));
    EXPECT_EQ(back->previous_module_hash, ic::from_hex("aa"));
    EXPECT_TRUE(back->completed);
    EXPECT_EQ(back->install_arg_hash, ic::from_hex("cc"));
    juno::save_upgrade_record(
        file, {std::nullopt, ic::from_hex("bb"), std::nullopt, false, std::nullopt});
    back = juno::load_upgrade_record(file);
    ASSERT_TRUE(back);
    EXPECT_FALSE(back->restore_point);
    EXPECT_FALSE(back->previous_module_hash);
    EXPECT_FALSE(back->completed);
    EXPECT_FALSE(back->install_arg_hash);
}

TEST(UpgradeRecord, ARecordOfAnOlderHelperHasNoArgumentHash) {
    auto file = fresh_dir("older") / "m.upgrade.json";
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file) << R"({"restore_point": null, "new_module_hash": "bb",)"
                        << R"( "previous_module_hash": null, "completed": true})";
    auto back = juno::load_upgrade_record(file);
    ASSERT_TRUE(back) << "records written before the argument was recorded stay readable";
    EXPECT_FALSE(back->install_arg_hash);
    std::ofstream(file) << R"({"restore_point": null, "new_module_hash": "bb",)"
                        << R"( "previous_module_hash": null, "completed": true,)"
                        << R"( "install_arg_sha256": "zz"})";
    EXPECT_FALSE(juno::load_upgrade_record(file)) << "a damaged argument hash is not trusted";
}

TEST(Records, StillListedFindsTheBackupById) {
    std::vector<juno::Snapshot> list{snapshot("01", 1), snapshot("02", 2)};
    EXPECT_TRUE(juno::still_listed(list, snapshot("02", 99)));
    EXPECT_FALSE(juno::still_listed(list, snapshot("03", 2))) << "a deleted backup is not trusted";
}

}  // namespace
