#include "ic/principal.hpp"

#include <gtest/gtest.h>

#include "ic/error.hpp"

namespace {

TEST(Principal, PrintsSpecExamples) {
    EXPECT_EQ(ic::Principal(ic::from_hex("abcd01")).to_text(), "em77e-bvlzu-aq");
    EXPECT_EQ(ic::Principal(ic::from_hex("00000000000000020101")).to_text(),
              "ryjl3-tyaaa-aaaaa-aaaba-cai");
    EXPECT_EQ(ic::Principal::management().to_text(), "aaaaa-aa");
    EXPECT_EQ(ic::Principal::anonymous().to_text(), "2vxsx-fae");
}

TEST(Principal, ParsesCaseInsensitively) {
    auto p = ic::Principal::from_text("RYJL3-TYAAA-AAAAA-AAABA-CAI");
    EXPECT_EQ(ic::to_hex(p.bytes()), "00000000000000020101");
    EXPECT_EQ(ic::Principal::from_text("aaaaa-aa"), ic::Principal::management());
    EXPECT_TRUE(ic::Principal::from_text("2vxsx-fae").is_anonymous());
}

TEST(Principal, RejectsWrongChecksum) {
    try {
        ic::Principal::from_text("ryjl3-tyaaa-aaaaa-aaaba-caa");
        FAIL() << "accepted a wrong checksum";
    } catch (const ic::Error& e) {
        EXPECT_EQ(e.kind(), ic::ErrorKind::Usage);
        EXPECT_NE(std::string(e.what()).find("checksum"), std::string::npos) << e.what();
    }
}

TEST(Principal, RejectsBadCharactersAndGrouping) {
    EXPECT_THROW(ic::Principal::from_text(""), ic::Error);
    EXPECT_THROW(ic::Principal::from_text("ryjl3-tyaaa-aaaaa-aaaba-ca1"), ic::Error);
    EXPECT_THROW(ic::Principal::from_text("ryjl3tyaaa-aaaaa-aaaba-cai"), ic::Error);
    EXPECT_THROW(ic::Principal::from_text("ryjl3-tyaaa-aaaaa-aaaba-cai-"), ic::Error);
    EXPECT_THROW(ic::Principal::from_text("aaaa"), ic::Error);
}

TEST(Principal, RejectsMoreThan29Bytes) {
    EXPECT_THROW(ic::Principal(ic::Bytes(30, 1)), ic::Error);
    EXPECT_NO_THROW(ic::Principal(ic::Bytes(29, 1)));
}

TEST(Principal, RoundTripsEveryLength) {
    for (std::size_t n = 0; n <= 29; ++n) {
        ic::Bytes bytes(n);
        for (std::size_t i = 0; i < n; ++i) bytes[i] = static_cast<std::uint8_t>(i * 37 + n);
        ic::Principal p(bytes);
        EXPECT_EQ(ic::Principal::from_text(p.to_text()), p) << p.to_text();
    }
}

TEST(Principal, SelfAuthenticatingIsSha224PlusTag) {
    // An Ed25519 DER public key (RFC 8410 prefix + 32 bytes).
    auto der = ic::from_hex(
        "302a300506032b6570032100"
        "ecc6c3cb6c7bd8c8f67d2a4fd8f16bd4f5e8dd6ffc06a9bd5f8ac0e3f7b6f8e1");
    auto p = ic::Principal::self_authenticating(der);
    // Expected value computed independently (Python hashlib + zlib).
    EXPECT_EQ(ic::to_hex(p.bytes()), "1493d2dd3f340975f00ac149fa489c881e6b46ed86abddfe129c059102");
    EXPECT_EQ(p.to_text(), "dn2xh-eiusp-jn2pz-ubf27-acwbj-h5erh-eidzv-un3mg-vpo74-eu4aw-iqe");
}

}  // namespace
