#include "ic/request_id.hpp"

#include <gtest/gtest.h>

namespace {

using ic::cbor::Array;
using ic::cbor::Map;
using ic::cbor::Value;

// Vectors from the interface spec (and agent-rs's tests), listed in research/ic-protocol.md §2.
TEST(RequestId, MatchesSpecCallExample) {
    Map content{
        {"request_type", Value("call")},
        {"sender", Value(ic::Bytes{0x04})},
        {"ingress_expiry", Value(std::uint64_t{1685570400000000000})},
        {"canister_id", Value(ic::from_hex("00000000000004D2"))},
        {"method_name", Value("hello")},
        {"arg", Value(ic::to_bytes(std::string_view("DIDL\x00\xFD*", 7)))},
    };
    EXPECT_EQ(ic::to_hex(ic::request_id(content)),
              "1d1091364d6bb8a6c16b203ee75467d59ead468f523eb058880ae8ec80e2b101");
}

TEST(RequestId, MatchesSpecExampleWithoutSenderAndExpiry) {
    Map content{
        {"request_type", Value("call")},
        {"canister_id", Value(ic::from_hex("00000000000004D2"))},
        {"method_name", Value("hello")},
        {"arg", Value(ic::to_bytes(std::string_view("DIDL\x00\xFD*", 7)))},
    };
    EXPECT_EQ(ic::to_hex(ic::request_id(content)),
              "8781291c347db32a9d8c10eb62b710fce5a93be676474c42babc74c51858f94b");
}

TEST(RequestId, HashesNestedArrays) {
    Map content{
        {"sender", Value(ic::from_hex("00000000000004D2"))},
        {"paths",
         Value(Array{Value(Array{}), Value(Array{Value(ic::Bytes{})}),
                     Value(Array{Value(ic::to_bytes("hello")), Value(ic::to_bytes("world"))})})},
    };
    EXPECT_EQ(ic::to_hex(ic::request_id(content)),
              "97d6f297aea699aec85d3377c7643ea66db810aba5c4372fbc2082c999f452dc");
    EXPECT_EQ(ic::to_hex(ic::request_id(Map{{"paths", Value(Array{})}})),
              "99daa8c80a61e87ac1fdf9dd49e39963bfe4dafb2a45095ebf4cad72d916d5be");
}

TEST(RequestId, IgnoresFieldOrder) {
    Map a{{"x", Value(std::uint64_t{1})}, {"y", Value("two")}};
    Map b{{"y", Value("two")}, {"x", Value(std::uint64_t{1})}};
    EXPECT_EQ(ic::request_id(a), ic::request_id(b));
    Map c{{"y", Value("two")}, {"x", Value(std::uint64_t{2})}};
    EXPECT_NE(ic::request_id(a), ic::request_id(c));
}

TEST(RequestId, SignableHasDomainSeparator) {
    ic::Hash id{};
    id.fill(0xaa);
    ic::Bytes signable = ic::signable_request(id);
    ASSERT_EQ(signable.size(), 43u);
    EXPECT_EQ(ic::to_hex(ic::ByteView(signable).first(11)), "0a69632d72657175657374");
}

}  // namespace
