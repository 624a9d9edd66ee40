#include "juno/transfer/byte_progress.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

using juno::Console;
using juno::ProgressMode;

TEST(MeterProgress, FeedsOneMeterWithIncrementsAndFinishesAtTheTotal) {
    std::string out;
    Console console(ProgressMode::Plain, false, [&](const std::string& s) { out += s; });
    auto on_bytes = juno::transfer::meter_progress(console, "downloading backup 0x01");
    for (std::uint64_t done = 0; done <= 1000; done += 100) on_bytes(done, 1000);
    // Plain mode: the start (with the total) and the end, one meter for the whole transfer.
    EXPECT_NE(out.find("downloading backup 0x01 1.00 kB"), std::string::npos) << out;
    EXPECT_NE(out.find("1.00 kB in"), std::string::npos) << out;
    EXPECT_EQ(out.find('\r'), std::string::npos);
    std::string before = out;
    on_bytes(1000, 1000);  // told again after the end: nothing more
    EXPECT_EQ(out, before);
}

TEST(MeterProgress, NothingToTransferShowsNothing) {
    std::string out;
    Console console(ProgressMode::Plain, false, [&](const std::string& s) { out += s; });
    auto on_bytes = juno::transfer::meter_progress(console, "uploading");
    on_bytes(0, 0);
    EXPECT_EQ(out, "");
}

TEST(MeterProgress, AStoppedTransferSaysWhereItStopped) {
    std::string out;
    Console console(ProgressMode::Plain, false, [&](const std::string& s) { out += s; });
    {
        auto on_bytes = juno::transfer::meter_progress(console, "uploading");
        on_bytes(300, 1000);
    }  // dropped before the end, as when the upload fails
    EXPECT_NE(out.find("stopped after"), std::string::npos) << out;
}

TEST(MeterProgress, QuietShowsNothing) {
    std::string out;
    Console console(ProgressMode::None, false, [&](const std::string& s) { out += s; });
    auto on_bytes = juno::transfer::meter_progress(console, "uploading");
    on_bytes(500, 1000);
    on_bytes(1000, 1000);
    EXPECT_EQ(out, "");
}

}  // namespace
