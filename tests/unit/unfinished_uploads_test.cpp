#include "juno/transfer/unfinished_uploads.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "juno/transfer/progress_log.hpp"

namespace {

namespace fs = std::filesystem;
using juno::transfer::UnfinishedUpload;

fs::path scratch(const std::string& name) {
    fs::path dir = fs::temp_directory_path() / ("juno_unfinished_uploads_test_" + name);
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

TEST(UnfinishedUploads, AddedUntilRemovedOneLineEach) {
    fs::path dir = scratch("add");
    fs::path file = dir / "m.uploads";
    EXPECT_TRUE(juno::transfer::load_unfinished_uploads(file).empty());
    juno::transfer::add_unfinished_upload(file, {{1, 2}, dir / "a b"});
    juno::transfer::add_unfinished_upload(file, {{3}, dir / "c"});
    juno::transfer::add_unfinished_upload(file, {{1, 2}, dir / "a b"});  // once only
    auto uploads = juno::transfer::load_unfinished_uploads(file);
    ASSERT_EQ(uploads.size(), 2u);
    EXPECT_EQ(uploads[0].snapshot_id, (ic::Bytes{3}));
    EXPECT_EQ(uploads[1].snapshot_id, (ic::Bytes{1, 2}));
    EXPECT_EQ(uploads[1].dir, dir / "a b");
    juno::transfer::remove_unfinished_upload(file, {1, 2});
    juno::transfer::remove_unfinished_upload(file, {3});
    EXPECT_FALSE(fs::exists(file));
}

TEST(UnfinishedUploads, BrokenLinesReadAsNoUpload) {
    fs::path dir = scratch("broken");
    std::ofstream(dir / "m.uploads") << "zz /x\nnospace\n0a0b /folder\n";
    auto uploads = juno::transfer::load_unfinished_uploads(dir / "m.uploads");
    ASSERT_EQ(uploads.size(), 1u);
    EXPECT_EQ(uploads[0].dir, fs::path("/folder"));
}

TEST(UnfinishedUploads, FinishableOnlyWhileTheFolderRecordNamesItsSnapshot) {
    fs::path dir = scratch("finishable");
    UnfinishedUpload upload{{7, 7}, dir};
    EXPECT_FALSE(juno::transfer::can_be_finished(upload));
    std::ofstream(dir / juno::transfer::upload_progress_file)
        << juno::transfer::format_header({"upload", "aaaaa-aa", {7, 7}}) << "\n";
    EXPECT_TRUE(juno::transfer::can_be_finished(upload));
    EXPECT_FALSE(juno::transfer::can_be_finished({{8}, dir}));
}

TEST(UnfinishedUploads, FinishedBackupsLeaveThemOut) {
    std::vector<juno::Snapshot> backups{{{1}, 10, 1}, {{2}, 20, 1}};
    auto finished = juno::transfer::finished_backups(backups, {{{2}, "/x"}});
    ASSERT_EQ(finished.size(), 1u);
    EXPECT_EQ(finished[0].id, ic::Bytes{1});
}

}  // namespace
