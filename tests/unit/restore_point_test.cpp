#include "juno/restore_point.hpp"

#include <gtest/gtest.h>

#include <fstream>

namespace {

const ic::Principal canister = ic::Principal::from_text("ryjl3-tyaaa-aaaaa-aaaba-cai");

std::filesystem::path fresh_dir(const std::string& name) {
    auto dir = std::filesystem::temp_directory_path() / ("juno_restore_point_" + name);
    std::filesystem::remove_all(dir);
    return dir;
}

juno::RestorePoint sample() {
    juno::RestorePoint point;
    point.canister = canister;
    point.snapshot.id = ic::from_hex("000000000000000080000000001000000101");
    point.snapshot.taken_at_timestamp = 1795749266597000000;
    point.snapshot.total_size = 861;
    point.version_at_snapshot = 7;
    return point;
}

TEST(RestorePoint, RoundTrips) {
    auto dir = fresh_dir("roundtrip");
    juno::save_restore_point(dir, sample());
    auto loaded = juno::load_restore_point(dir, canister, std::chrono::hours(1));
    ASSERT_TRUE(loaded);
    EXPECT_EQ(loaded->snapshot.id, sample().snapshot.id);
    EXPECT_EQ(loaded->snapshot.taken_at_timestamp, sample().snapshot.taken_at_timestamp);
    EXPECT_EQ(loaded->snapshot.total_size, 861u);
    EXPECT_EQ(loaded->version_at_snapshot, 7u);
    EXPECT_FALSE(loaded->kept_existing);
    juno::forget_restore_point(dir, canister);
    EXPECT_FALSE(juno::load_restore_point(dir, canister, std::chrono::hours(1)));
}

TEST(RestorePoint, IsIgnoredWhenStaleForeignOrDamaged) {
    auto dir = fresh_dir("ignored");
    juno::save_restore_point(dir, sample());
    EXPECT_FALSE(juno::load_restore_point(dir, canister, std::chrono::seconds(-1))) << "stale";
    auto other = ic::Principal::from_text("em77e-bvlzu-aq");
    EXPECT_FALSE(juno::load_restore_point(dir, other, std::chrono::hours(1))) << "another module";
    std::ofstream(juno::restore_point_path(dir, canister)) << "{ not json";
    EXPECT_FALSE(juno::load_restore_point(dir, canister, std::chrono::hours(1))) << "damaged";
}

}  // namespace
