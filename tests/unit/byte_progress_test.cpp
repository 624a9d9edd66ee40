#include "juno/transfer/byte_progress.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace {

TEST(PlainByteLines, OneLinePerTenthAndAtTheEnd) {
    std::vector<std::string> lines;
    auto on_bytes = juno::transfer::plain_byte_lines(
        [&](const std::string& line) { lines.push_back(line); }, "downloaded");
    for (std::uint64_t done = 0; done <= 1000; done += 1) on_bytes(done, 1000);
    ASSERT_EQ(lines.size(), 11u);  // 0%, 10%, ..., 100%
    EXPECT_EQ(lines.front().rfind("downloaded ", 0), 0u);
    EXPECT_NE(lines.back().find("(100%)"), std::string::npos);
    on_bytes(0, 0);  // nothing to transfer: no line, no division by zero
    EXPECT_EQ(lines.size(), 11u);
}

}  // namespace
