#include "ic/bytes.hpp"

#include <gtest/gtest.h>

#include "ic/error.hpp"

namespace {

TEST(Hex, RoundTripsLowercase) {
    ic::Bytes bytes{0x00, 0x01, 0xab, 0xff};
    EXPECT_EQ(ic::to_hex(bytes), "0001abff");
    EXPECT_EQ(ic::from_hex("0001abff"), bytes);
}

TEST(Hex, AcceptsUppercaseAndPrefix) {
    EXPECT_EQ(ic::from_hex("0xABcd"), (ic::Bytes{0xab, 0xcd}));
    EXPECT_EQ(ic::from_hex(""), ic::Bytes{});
}

TEST(Hex, RejectsOddLengthAndBadDigits) {
    EXPECT_THROW(ic::from_hex("abc"), ic::Error);
    EXPECT_THROW(ic::from_hex("zz"), ic::Error);
    try {
        ic::from_hex("0g");
        FAIL();
    } catch (const ic::Error& e) {
        EXPECT_EQ(e.kind(), ic::ErrorKind::Usage);
        EXPECT_NE(std::string(e.what()).find("0g"), std::string::npos);
    }
}

TEST(ErrorKinds, HaveDistinctExitCodes) {
    EXPECT_EQ(ic::exit_code(ic::ErrorKind::Usage), 2);
    EXPECT_EQ(ic::exit_code(ic::ErrorKind::Rejected), 3);
    EXPECT_EQ(ic::exit_code(ic::ErrorKind::Network), 4);
    EXPECT_EQ(ic::exit_code(ic::ErrorKind::Protocol), 5);
    EXPECT_EQ(ic::exit_code(ic::ErrorKind::Verification), 6);
}

TEST(RejectError, NamesTheIcErrorCode) {
    ic::RejectError e(5, "Canister is stopped", "IC0508");
    EXPECT_EQ(e.kind(), ic::ErrorKind::Rejected);
    EXPECT_EQ(std::string(e.what()),
              "the IC rejected the call with IC0508 (reject code 5): Canister is stopped");
}

}  // namespace
