#include "ic/leb128.hpp"

#include <gtest/gtest.h>

#include <limits>

#include "ic/error.hpp"

namespace {

ic::Bytes uleb(std::uint64_t v) {
    ic::Bytes out;
    ic::write_uleb128(out, v);
    return out;
}

ic::Bytes sleb(std::int64_t v) {
    ic::Bytes out;
    ic::write_sleb128(out, v);
    return out;
}

TEST(Leb128, EncodesSpecExamples) {
    EXPECT_EQ(uleb(0), (ic::Bytes{0x00}));
    EXPECT_EQ(uleb(624485), (ic::Bytes{0xe5, 0x8e, 0x26}));
    EXPECT_EQ(sleb(-123456), (ic::Bytes{0xc0, 0xbb, 0x78}));
    EXPECT_EQ(sleb(-1), (ic::Bytes{0x7f}));
    EXPECT_EQ(sleb(63), (ic::Bytes{0x3f}));
    EXPECT_EQ(sleb(64), (ic::Bytes{0xc0, 0x00}));
}

TEST(Leb128, RoundTripsExtremes) {
    for (std::uint64_t v : {std::uint64_t{0}, std::uint64_t{127}, std::uint64_t{128},
                            std::numeric_limits<std::uint64_t>::max()}) {
        ic::Bytes b = uleb(v);
        std::size_t pos = 0;
        EXPECT_EQ(ic::read_uleb128(b, pos), v);
        EXPECT_EQ(pos, b.size());
    }
    for (std::int64_t v : {std::numeric_limits<std::int64_t>::min(), std::int64_t{-65},
                           std::int64_t{0}, std::numeric_limits<std::int64_t>::max()}) {
        ic::Bytes b = sleb(v);
        std::size_t pos = 0;
        EXPECT_EQ(ic::read_sleb128(b, pos), v);
        EXPECT_EQ(pos, b.size());
    }
}

TEST(Leb128, RejectsTruncatedAndOversizedInput) {
    std::size_t pos = 0;
    ic::Bytes truncated{0x80, 0x80};
    EXPECT_THROW(ic::read_uleb128(truncated, pos), ic::Error);
    ic::Bytes too_big(10, 0xff);
    too_big.push_back(0x01);
    pos = 0;
    EXPECT_THROW(ic::read_uleb128(too_big, pos), ic::Error);
    ic::Bytes over64{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02};
    pos = 0;
    EXPECT_THROW(ic::read_uleb128(over64, pos), ic::Error);
}

}  // namespace
