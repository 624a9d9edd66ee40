#include "juno/transfer/progress_log.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "ic/error.hpp"

namespace {

using namespace juno::transfer;

std::filesystem::path scratch(const std::string& name) {
    auto dir = std::filesystem::temp_directory_path() / ("juno_progress_log_" + name);
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    return dir;
}

TEST(ProgressLog, AbsentIsNone) { EXPECT_FALSE(read_progress(scratch("absent") / "p.log")); }

TEST(ProgressLog, ReadsBackWhatWasAppendedAndIgnoresATornLastLine) {
    auto file = scratch("append") / "p.log";
    ProgressHeader header{"download", "ryjl3-tyaaa-aaaaa-aaaba-cai", {0, 1, 2}};
    SliceRecord a{"stable_memory.bin", 0, 2000000, ic::sha256(ic::Bytes{1})};
    SliceRecord b{"stable_memory.bin", 2000000, 5, ic::sha256(ic::Bytes{2})};
    {
        auto writer = ProgressWriter::create(file, header);
        writer.add(a);
    }
    {
        auto writer = ProgressWriter::append_to(file);
        writer.add(b);
    }
    {
        std::ofstream torn(file, std::ios::app);
        // A kill before the line's end: even a line that parses is not taken without its newline.
        torn << "wasm_memory.bin 0 10 " << std::string(64, 'a');
    }
    auto read = read_progress(file);
    ASSERT_TRUE(read);
    EXPECT_EQ(read->header, header);
    ASSERT_EQ(read->slices.size(), 2u);
    EXPECT_EQ(read->slices[0], a);
    EXPECT_EQ(read->slices[1], b);
}

// An upload whose metadata call has not answered yet: no snapshot, the backups listed before and
// each signed try of the call, read back as they were written.
TEST(ProgressLog, APendingUploadKeepsTheListedBackupsAndTheCall) {
    auto file = scratch("pending") / "p.log";
    ProgressHeader header{"upload", "ryjl3-tyaaa-aaaaa-aaaba-cai", {}};
    SliceRecord metadata{"metadata.json", 0, 321, ic::sha256(ic::Bytes{3})};
    CallRecord call{ic::sha256(ic::Bytes{4}), 1'796'185'726'716'000'000ull};
    {
        auto writer = ProgressWriter::create(file, header);
        writer.add(metadata);
        writer.add_listed({0xab, 0x01});
        writer.add_listed({0xcd});
        writer.add_call(call);
    }
    std::ifstream in(file);
    std::string first;
    std::getline(in, first);
    EXPECT_NE(first.find(" upload ryjl3-tyaaa-aaaaa-aaaba-cai pending"), std::string::npos)
        << first;
    auto read = read_progress(file);
    ASSERT_TRUE(read);
    EXPECT_EQ(read->header, header);
    EXPECT_TRUE(read->header.snapshot_id.empty());
    ASSERT_EQ(read->slices.size(), 1u);
    EXPECT_EQ(read->slices[0], metadata);
    EXPECT_EQ(read->listed, (std::vector<ic::Bytes>{{0xab, 0x01}, {0xcd}}));
    ASSERT_EQ(read->calls.size(), 1u);
    EXPECT_EQ(read->calls[0], call);
}

TEST(ProgressLog, AForeignFileIsRefusedNamingIt) {
    auto file = scratch("foreign") / "p.log";
    std::ofstream(file) << "something else\n";
    try {
        read_progress(file);
        FAIL();
    } catch (const ic::Error& e) {
        EXPECT_NE(std::string(e.what()).find(file.string()), std::string::npos);
    }
}

}  // namespace
