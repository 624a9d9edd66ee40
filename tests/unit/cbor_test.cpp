#include "ic/cbor.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "ic/error.hpp"

namespace {

using ic::cbor::Value;

ic::Bytes hex(const char* h) { return ic::from_hex(h); }

TEST(Cbor, EncodesWithSelfDescribeTag) {
    ic::cbor::Map map{{"a", Value(std::uint64_t{1})}, {"b", Value(ic::Bytes{0xff})}};
    EXPECT_EQ(ic::to_hex(ic::cbor::encode(Value(map))), "d9d9f7a2616101616241ff");
    EXPECT_EQ(ic::to_hex(ic::cbor::encode(Value(map), false)), "a2616101616241ff");
}

TEST(Cbor, EncodesIntegerWidths) {
    EXPECT_EQ(ic::to_hex(ic::cbor::encode(Value(std::uint64_t{23}), false)), "17");
    EXPECT_EQ(ic::to_hex(ic::cbor::encode(Value(std::uint64_t{24}), false)), "1818");
    EXPECT_EQ(ic::to_hex(ic::cbor::encode(Value(std::uint64_t{1685570400000000000}), false)),
              "1b1764595927e9c000");
}

TEST(Cbor, DecodesAndStripsSelfDescribeTag) {
    Value v =
        ic::cbor::decode(hex("d9d9f7a266737461747573677265706c696564"
                             "6b6365727469666963617465420102"));
    EXPECT_EQ(v.at("status").as_text(), "replied");
    EXPECT_EQ(v.at("certificate").as_bytes(), (ic::Bytes{1, 2}));
    EXPECT_EQ(v.find("missing"), nullptr);
}

TEST(Cbor, RoundTripsNestedValues) {
    Value original(ic::cbor::Map{
        {"paths", Value(ic::cbor::Array{Value(ic::cbor::Array{Value(ic::Bytes{1}), Value("x")})})},
        {"neg", Value(ic::cbor::Negative{41})},
        {"flag", Value(true)},
        {"tagged", Value::tagged(55799, Value(std::uint64_t{7}))},
    });
    EXPECT_EQ(ic::cbor::decode(ic::cbor::encode(original, false)), original);
}

TEST(Cbor, DecodesIndefiniteLengthItems) {
    // [_ 1, 2] and (_ h'01', h'02') and {_ "a": 1}
    EXPECT_EQ(ic::cbor::decode(hex("9f0102ff")).as_array().size(), 2u);
    EXPECT_EQ(ic::cbor::decode(hex("5f41014102ff")).as_bytes(), (ic::Bytes{1, 2}));
    EXPECT_EQ(ic::cbor::decode(hex("bf616101ff")).at("a").as_uint(), 1u);
}

TEST(Cbor, RejectsMalformedInput) {
    for (const char* bad : {
             "",                    // nothing
             "a1",                  // map without entries
             "82 01",               // array one short
             "0102",                // trailing item
             "a10101",              // non-text key
             "f93c00",              // half float
             "f7",                  // undefined
             "ff",                  // stray break
             "9b00000000ffffffff",  // array claiming 4 billion items
             "5f4101 6161ff",       // text chunk inside a byte string
             "bf6161ff",            // indefinite map ending after a key
         }) {
        std::string h(bad);
        h.erase(std::remove(h.begin(), h.end(), ' '), h.end());
        EXPECT_THROW(ic::cbor::decode(ic::from_hex(h)), ic::Error) << bad;
    }
}

TEST(Cbor, BoundsNesting) {
    ic::Bytes deep(200, 0x81);  // [[[[...
    deep.push_back(0x00);
    EXPECT_THROW(ic::cbor::decode(deep), ic::Error);
    ic::Bytes shallow(100, 0x81);
    shallow.push_back(0x00);
    EXPECT_NO_THROW(ic::cbor::decode(shallow));
}

TEST(Cbor, TypedAccessNamesTheField) {
    Value v = ic::cbor::decode(hex("a16373756201"));
    try {
        v.at("sub").as_text("sub");
        FAIL();
    } catch (const ic::Error& e) {
        EXPECT_EQ(e.kind(), ic::ErrorKind::Protocol);
        EXPECT_NE(std::string(e.what()).find("sub"), std::string::npos);
    }
}

}  // namespace
