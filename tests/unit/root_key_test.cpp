#include "ic/root_key.hpp"

#include <gtest/gtest.h>

#include "ic/error.hpp"

namespace {

TEST(RootKey, MainnetKeyIsTheBuiltInDer) {
    const ic::Bytes& key = ic::mainnet_root_key();
    ASSERT_EQ(key.size(), 133u);
    EXPECT_EQ(ic::to_hex(key).substr(0, 74),
              "308182301d060d2b0601040182dc7c0503010201060c2b0601040182dc7c05030201036100");
    EXPECT_EQ(ic::to_hex(key).substr(74, 16), "814c0e6ec71fab58");
    EXPECT_EQ(ic::parse_root_key("ic"), key);
}

TEST(RootKey, AcceptsRawOrDerHex) {
    ic::Bytes raw(96, 0x11);
    ic::Bytes der = ic::bls_key_to_der(raw);
    EXPECT_EQ(ic::parse_root_key(ic::to_hex(raw)), der);
    EXPECT_EQ(ic::parse_root_key(ic::to_hex(der)), der);
    EXPECT_EQ(ic::bls_key_from_der(der), raw);
}

TEST(RootKey, RejectsOtherShapes) {
    EXPECT_THROW(ic::parse_root_key("abcd"), ic::Error);
    ic::Bytes der = ic::bls_key_to_der(ic::Bytes(96, 0x22));
    der[3] ^= 1;
    EXPECT_THROW(ic::bls_key_from_der(der), ic::Error);
    EXPECT_THROW(ic::parse_root_key("fetch!"), ic::Error);
}

}  // namespace
