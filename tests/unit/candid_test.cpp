#include "ic/candid.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "ic/error.hpp"
#include "ic/leb128.hpp"

namespace {

namespace c = ic::candid;
namespace t = ic::candid::t;
using c::Value;

// Hex with optional spaces, so that the fixtures can show the structure of a message.
ic::Bytes h(std::string_view spaced) {
    std::string hex;
    for (char ch : spaced) {
        if (ch != ' ') hex.push_back(ch);
    }
    return ic::from_hex(hex);
}

ic::Bytes cat(std::initializer_list<ic::Bytes> parts) {
    ic::Bytes out;
    for (const auto& p : parts) ic::append(out, p);
    return out;
}

const ic::Principal ledger = ic::Principal::from_text("ryjl3-tyaaa-aaaaa-aaaba-cai");

void expect_protocol_error(const ic::Bytes& message, const std::string& why,
                           c::DecodeLimits limits = {}) {
    try {
        c::decode(message, limits);
        ADD_FAILURE() << "accepted " << why << ": " << ic::to_hex(message);
    } catch (const ic::Error& e) {
        EXPECT_EQ(e.kind(), ic::ErrorKind::Protocol) << why << ": " << e.what();
    }
}

void expect_encode_error(const c::TypePtr& type, const Value& value, const std::string& why) {
    try {
        c::encode({{type, value}});
        ADD_FAILURE() << "encoded " << why;
    } catch (const ic::Error& e) {
        EXPECT_EQ(e.kind(), ic::ErrorKind::Protocol) << why << ": " << e.what();
    }
}

// The management canister's install mode, as in ic.did.
c::TypePtr install_mode_type() {
    return t::variant(
        {{"install", t::null()},
         {"reinstall", t::null()},
         {"upgrade", t::opt(t::record(
                         {{"skip_pre_upgrade", t::opt(t::bool_())},
                          {"wasm_memory_persistence",
                           t::opt(t::variant({{"keep", t::null()}, {"replace", t::null()}}))}}))}});
}

c::TypePtr install_code_args_type() {
    return t::record({{"mode", install_mode_type()},
                      {"canister_id", t::principal()},
                      {"wasm_module", t::blob()},
                      {"arg", t::blob()},
                      {"sender_canister_version", t::opt(t::nat64())}});
}

Value install_code_args(Value mode, Value sender_canister_version) {
    return Value::record({{"mode", std::move(mode)},
                          {"canister_id", Value::principal(ledger)},
                          {"wasm_module", Value::blob(h("0061736d 01000000"))},
                          {"arg", Value::blob(h("4449444c 0000"))},
                          {"sender_canister_version", std::move(sender_canister_version)}});
}

// ---- field ids ------------------------------------------------------------------------------

TEST(CandidFieldId, MatchesTheHashTable) {
    EXPECT_EQ(c::field_id("canister_id"), 1313628723u);
    EXPECT_EQ(c::field_id("canister_id"), 0x4e4c6233u);
    EXPECT_EQ(c::field_id("arg"), 0x0049fe56u);
    EXPECT_EQ(c::field_id("wasm_module"), 0x0fd24fa7u);
    EXPECT_EQ(c::field_id("mode"), 0x4860d363u);
    EXPECT_EQ(c::field_id("sender_canister_version"), 0xd6860ccau);
    EXPECT_EQ(c::field_id("reinstall"), 0x0e029dc8u);
    EXPECT_EQ(c::field_id("upgrade"), 0x6331b49cu);
    EXPECT_EQ(c::field_id("install"), 0x8d9ad51bu);
    EXPECT_EQ(c::field_id("wasm_memory_persistence"), 0x2f4bb55cu);
    EXPECT_EQ(c::field_id("skip_pre_upgrade"), 0x5bc6d040u);
    EXPECT_EQ(c::field_id("keep"), 0x4706d085u);
    EXPECT_EQ(c::field_id("replace"), 0xab284834u);
    EXPECT_EQ(c::field_id("replace_snapshot"), 0x19f920efu);
    EXPECT_EQ(c::field_id("uninstall_code"), 0x9a669deau);
    EXPECT_EQ(c::field_id("id"), 0x00005bdbu);
    EXPECT_EQ(c::field_id("snapshot_id"), 0xf125dc36u);
    EXPECT_EQ(c::field_id("chunk_hashes_list"), 0x6e1cfaefu);
    EXPECT_EQ(c::field_id("wasm_chunk"), 0xf80d63d2u);
    EXPECT_EQ(c::field_id("running"), 0xeb696dffu);
    EXPECT_EQ(c::field_id("stopped"), 0x4361d20du);
    EXPECT_EQ(c::field_id("stopping"), 0xb2390b74u);
    EXPECT_EQ(c::field_id(""), 0u);
}

// ---- encoding -------------------------------------------------------------------------------

TEST(CandidEncode, CanisterStatusArgumentMatchesTheWorkedExample) {
    auto type = t::record({{"canister_id", t::principal()}});
    auto bytes = c::encode({{type, Value::record({{"canister_id", Value::principal(ledger)}})}});
    EXPECT_EQ(ic::to_hex(bytes), "4449444c016c01b3c4b1f204680100010a00000000000000020101");
}

TEST(CandidEncode, EmptyArgumentListIsDidlZeroZero) {
    EXPECT_EQ(ic::to_hex(c::encode({})), "4449444c0000");
    EXPECT_TRUE(c::decode(h("4449444c 00 00")).empty());
}

// The expected bytes are what DFINITY's @icp-sdk/core IDL.encode produces for the same values.
constexpr const char* install_code_table =
    "4449444c 09"
    " 6d7b"                                          // 0: blob
    " 6b02 85a19bb804 7f b490a1d90a 7f"              // 1: variant {keep; replace}
    " 6e01"                                          // 2: opt 1
    " 6e7e"                                          // 3: opt bool
    " 6c02 dceaaefa02 02 c0a09bde05 03"              // 4: upgrade record
    " 6e04"                                          // 5: opt 4
    " 6b03 c8bb8a70 7f 9ce9c69906 05 9baaebec08 7f"  // 6: canister_install_mode
    " 6e78"                                          // 7: opt nat64
    " 6c05 d6fca702 00 a79fc97e 00 e3a683c304 06 b3c4b1f204 68 ca9998b40d 07"  // 8: args
    " 0108";

TEST(CandidEncode, InstallCodeUpgradeWithOptions) {
    auto mode = Value::variant(
        "upgrade", Value::some(Value::record(
                       {{"skip_pre_upgrade", Value::some(Value::boolean(true))},
                        {"wasm_memory_persistence", Value::some(Value::variant("keep"))}})));
    auto bytes = c::encode({{install_code_args_type(), install_code_args(mode, Value::none())}});
    // arg, wasm_module, mode = upgrade (index 1) opt record {opt keep (index 0); opt true},
    // canister_id, sender_canister_version = null
    EXPECT_EQ(ic::to_hex(bytes),
              ic::to_hex(cat({h(install_code_table), h("06 4449444c0000"), h("08 0061736d01000000"),
                              h("01 01 01 00 01 01"), h("01 0a 00000000000000020101"), h("00")})));
}

TEST(CandidEncode, InstallCodeUpgradeWithoutOptionsAndInstall) {
    auto upgrade =
        c::encode({{install_code_args_type(),
                    install_code_args(Value::variant("upgrade", Value::none()), Value::none())}});
    EXPECT_EQ(ic::to_hex(upgrade),
              ic::to_hex(cat({h(install_code_table), h("06 4449444c0000"), h("08 0061736d01000000"),
                              h("01 00"), h("01 0a 00000000000000020101"), h("00")})));

    auto install = c::encode(
        {{install_code_args_type(),
          install_code_args(Value::variant("install"), Value::some(Value::fixed_nat(5)))}});
    EXPECT_EQ(
        ic::to_hex(install),
        ic::to_hex(cat({h(install_code_table), h("06 4449444c0000"), h("08 0061736d01000000"),
                        h("02"), h("01 0a 00000000000000020101"), h("01 0500000000000000")})));
}

TEST(CandidEncode, VariantIndexIsThePositionInTheSortedCases) {
    auto index_of = [](const char* name) {
        auto bytes = c::encode({{install_mode_type(), Value::variant(name)}});
        return bytes.back();
    };
    EXPECT_EQ(index_of("reinstall"), 0);
    EXPECT_EQ(index_of("install"), 2);
}

TEST(CandidEncode, SharesIdenticalCompositeTypes) {
    auto type = t::record({{"a", t::blob()}, {"b", t::blob()}, {"c", t::opt(t::blob())}});
    auto bytes = c::encode(
        {{type,
          Value::record({{"a", Value::blob({1})}, {"b", Value::blob({})}, {"c", Value::none()}})}});
    // vec nat8 once, opt 0, the record: three entries.
    EXPECT_EQ(ic::to_hex(bytes), ic::to_hex(h("4449444c 03 6d7b 6e00 6c03 6100 6200 6301"
                                              " 0102 0101 00 00")));
}

TEST(CandidEncode, PrimitivesUseTheirWireForms) {
    auto one = [](c::TypePtr type, Value v) {
        auto bytes = c::encode({{std::move(type), std::move(v)}});
        return ic::to_hex(ic::ByteView(bytes).subspan(4));
    };
    EXPECT_EQ(one(t::nat(), Value::nat(624485)), "00017de58e26");
    EXPECT_EQ(one(t::int_(), Value::int_(-123456)), "00017cc0bb78");
    EXPECT_EQ(one(t::int_(), Value::int_(64)), "00017cc000");
    EXPECT_EQ(one(t::nat16(), Value::fixed_nat(256)), "00017a0001");
    EXPECT_EQ(one(t::int32(), Value::fixed_int(-1)), "000175ffffffff");
    EXPECT_EQ(one(t::float64(), Value::float64(0.5)), "000172000000000000e03f");
    EXPECT_EQ(one(t::float32(), Value::float32(-0.5)), "000173000000bf");
    EXPECT_EQ(one(t::text(), Value::text("\xe2\x98\x83")), "00017103e29883");
    EXPECT_EQ(one(t::bool_(), Value::boolean(true)), "00017e01");
    EXPECT_EQ(one(t::null(), Value::null()), "00017f");
    EXPECT_EQ(one(t::reserved(), Value::reserved()), "000170");
    EXPECT_EQ(one(t::principal(), Value::principal(ic::Principal::management())), "0001680100");
}

TEST(CandidEncode, RejectsValuesThatDoNotMatchTheirType) {
    auto record = t::record({{"canister_id", t::principal()}, {"chunk", t::blob()}});
    expect_encode_error(record, Value::record({{"canister_id", Value::principal(ledger)}}),
                        "a missing record field");
    expect_encode_error(record,
                        Value::record({{"canister_id", Value::principal(ledger)},
                                       {"chunk", Value::blob({})},
                                       {"chunks", Value::blob({})}}),
                        "a field the type lacks");
    expect_encode_error(install_mode_type(), Value::variant("uninstall"),
                        "an unknown variant case");
    expect_encode_error(t::principal(), Value::text("aaaaa-aa"), "text for a principal");
    expect_encode_error(t::nat(), Value::int_(-1), "a negative nat");
    expect_encode_error(t::nat8(), Value::fixed_nat(256), "256 as nat8");
    expect_encode_error(t::int8(), Value::fixed_int(-129), "-129 as int8");
    expect_encode_error(t::vec(t::text()), Value::blob({1}), "a blob for vec text");
    expect_encode_error(t::vec(t::text()), Value::vec({Value::nat(1)}), "a nat in vec text");
    expect_encode_error(t::opt(t::bool_()), Value::boolean(true), "a bare value for an opt");
    expect_encode_error(t::record({}), Value::variant("x"), "a variant for a record");
    expect_encode_error(t::empty(), Value::null(), "a value of type empty");
    expect_encode_error(t::text(), Value::text("\xc0\x80"), "invalid UTF-8");
    EXPECT_THROW(t::record({{"a", t::null()}, {"a", t::null()}}), ic::Error);
    EXPECT_THROW(Value::record({{"a", Value::null()}, {"a", Value::null()}}), ic::Error);
}

// ---- round trips ----------------------------------------------------------------------------

TEST(CandidRoundTrip, EveryKindSurvivesEncodeAndDecode) {
    auto type = t::record({
        {"null", t::null()},
        {"bool", t::bool_()},
        {"nat", t::nat()},
        {"int", t::int_()},
        {"nat8", t::nat8()},
        {"nat16", t::nat16()},
        {"nat32", t::nat32()},
        {"nat64", t::nat64()},
        {"int8", t::int8()},
        {"int16", t::int16()},
        {"int32", t::int32()},
        {"int64", t::int64()},
        {"float32", t::float32()},
        {"float64", t::float64()},
        {"text", t::text()},
        {"reserved", t::reserved()},
        {"principal", t::principal()},
        {"blob", t::blob()},
        {"some", t::opt(t::opt(t::text()))},
        {"none", t::opt(t::nat())},
        {"vec", t::vec(t::record({{"x", t::int_()}}))},
        {"variant", t::variant({{"a", t::null()}, {"b", t::vec(t::principal())}})},
    });
    auto value = Value::record({
        {"null", Value::null()},
        {"bool", Value::boolean(false)},
        {"nat", Value::nat(std::numeric_limits<std::uint64_t>::max())},
        {"int", Value::int_(std::numeric_limits<std::int64_t>::min())},
        {"nat8", Value::fixed_nat(255)},
        {"nat16", Value::fixed_nat(65535)},
        {"nat32", Value::fixed_nat(4294967295u)},
        {"nat64", Value::fixed_nat(std::numeric_limits<std::uint64_t>::max())},
        {"int8", Value::fixed_int(-128)},
        {"int16", Value::fixed_int(-32768)},
        {"int32", Value::fixed_int(std::numeric_limits<std::int32_t>::min())},
        {"int64", Value::fixed_int(std::numeric_limits<std::int64_t>::min())},
        {"float32", Value::float32(3.0f)},
        {"float64", Value::float64(-1.25)},
        {"text", Value::text("Motoko \xe2\x98\x83 \xf0\x9f\x98\x80")},
        {"reserved", Value::reserved()},
        {"principal", Value::principal(ledger)},
        {"blob", Value::blob(h("00ff10"))},
        {"some", Value::some(Value::some(Value::text("")))},
        {"none", Value::none()},
        {"vec", Value::vec({Value::record({{"x", Value::int_(-1)}}),
                            Value::record({{"x", Value::int_(1)}})})},
        {"variant", Value::variant("b", Value::vec({Value::principal(ledger),
                                                    Value::principal(ic::Principal())}))},
    });
    auto decoded = c::decode(c::encode({{type, value}, {t::text(), Value::text("second")}}));
    ASSERT_EQ(decoded.size(), 2u);
    EXPECT_EQ(decoded[0], value);
    EXPECT_EQ(decoded[1].as_text(), "second");
    EXPECT_EQ(decoded[0].at("int").as_i64(), std::numeric_limits<std::int64_t>::min());
    EXPECT_EQ(decoded[0].at("int8").as_i64(), -128);
    EXPECT_EQ(decoded[0].at("nat64").as_u64(), std::numeric_limits<std::uint64_t>::max());
    EXPECT_TRUE(decoded[0].at("variant").is_variant("b"));
    EXPECT_EQ(decoded[0].at("variant").variant_value().as_vec()[1].as_principal(),
              ic::Principal::management());
}

TEST(CandidRoundTrip, BigNatBeyond64Bits) {
    // 2^70 = 1180591620717411303424; the LEB128 bytes agree with @icp-sdk/core.
    c::BigInt two_70;
    two_70.magnitude = ic::Bytes(8, 0);
    two_70.magnitude.push_back(0x40);
    EXPECT_EQ(two_70.to_string(), "1180591620717411303424");

    auto bytes = c::encode({{t::nat(), Value::nat(two_70)}});
    EXPECT_EQ(ic::to_hex(bytes), "4449444c00017d8080808080808080808001");
    auto decoded = c::decode(bytes);
    ASSERT_EQ(decoded.size(), 1u);
    EXPECT_EQ(decoded[0].as_bigint(), two_70);
    EXPECT_EQ(decoded[0].as_bigint().to_string(), "1180591620717411303424");
    EXPECT_THROW(decoded[0].as_u64(), ic::Error);
    EXPECT_THROW(decoded[0].as_i64(), ic::Error);

    c::BigInt minus = two_70;
    minus.negative = true;
    auto negative = c::encode({{t::int_(), Value::int_(minus)}});
    EXPECT_EQ(ic::to_hex(negative), "4449444c00017c808080808080808080807f");
    EXPECT_EQ(c::decode(negative)[0].as_bigint().to_string(), "-1180591620717411303424");
}

TEST(CandidRoundTrip, NatAndIntAgreeWithFixedWidthLeb128) {
    // Arbitrary-precision LEB128 must agree with the 64-bit one wherever both apply; 64 and 3T
    // end in a group whose bit 6 is set, which a nat must not read as a sign.
    for (std::uint64_t n :
         {std::uint64_t{0}, std::uint64_t{63}, std::uint64_t{64}, std::uint64_t{127},
          std::uint64_t{128}, std::uint64_t{8191}, std::uint64_t{3'000'000'000'000},
          std::uint64_t{1} << 63, std::numeric_limits<std::uint64_t>::max()}) {
        ic::Bytes expected = h("4449444c 00 01 7d");
        ic::write_uleb128(expected, n);
        auto bytes = c::encode({{t::nat(), Value::nat(n)}});
        EXPECT_EQ(ic::to_hex(bytes), ic::to_hex(expected)) << n;
        EXPECT_EQ(c::decode(expected)[0].as_u64(), n);
        EXPECT_EQ(c::decode(expected)[0].as_bigint().to_string(), std::to_string(n));
    }
    for (std::int64_t i :
         {std::int64_t{0}, std::int64_t{63}, std::int64_t{64}, std::int64_t{-64}, std::int64_t{-65},
          std::int64_t{-1}, std::int64_t{-3'000'000'000'000},
          std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::max()}) {
        ic::Bytes expected = h("4449444c 00 01 7c");
        ic::write_sleb128(expected, i);
        auto bytes = c::encode({{t::int_(), Value::int_(i)}});
        EXPECT_EQ(ic::to_hex(bytes), ic::to_hex(expected)) << i;
        EXPECT_EQ(c::decode(expected)[0].as_i64(), i);
        EXPECT_EQ(c::decode(expected)[0].as_bigint().to_string(), std::to_string(i));
    }
}

TEST(CandidBigInt, ConvertsAndPrints) {
    EXPECT_EQ(c::BigInt::from_u64(0).to_string(), "0");
    EXPECT_EQ(c::BigInt::from_u64(1000000000).to_string(), "1000000000");
    EXPECT_EQ(c::BigInt::from_u64(18446744073709551615u).to_string(), "18446744073709551615");
    EXPECT_EQ(c::BigInt::from_i64(std::numeric_limits<std::int64_t>::min()).to_string(),
              "-9223372036854775808");
    EXPECT_EQ(c::BigInt::from_u64(3'000'000'000'000).to_u64(), 3'000'000'000'000u);
    EXPECT_THROW(c::BigInt::from_i64(-1).to_u64(), ic::Error);
    EXPECT_TRUE(c::BigInt::from_u64(0).magnitude.empty());
}

// ---- decoding -------------------------------------------------------------------------------

// A canister_status reply, encoded by @icp-sdk/core, from a "future" replica: the status
// variant has a new case (migrating : record { to : principal }), settings and memory_metrics
// carry fields this code has never heard of, and there is an unknown top-level field
// (vec record { name : text; value : int64 }). status = stopped, version = 42, two
// controllers, module_hash = 00..1f, memory_size = 2^70 + 5, cycles = 3T.
constexpr const char* future_status_reply =
    "4449444c0d6c03bbfeb3af067de7b5eaed0b7da4cadab30d7d6c01fbca01686b048da4879b047ff496e4910b7f"
    "e8ff9de90b01ffdba5db0e7f6d686e716b03d7e09b90027fa981ceb7067fcaa989aa08036c09c0cff2717de8f0"
    "9b737dd7e09b90020380ad988a047dd49cd5f10504edd9c8c90705f8e287cc0c7ddeebb5a90e7da882acc60f7d"
    "6c02f1fee18d0374cbe4fdc704716d076c04c1f8dc83037d83cac6e9057da1d0b8af0a7d8fd0cfd00f7d6d7b6e"
    "0a6c0cc5df841c00b2ceef2f02ffdb81f7037dbcc1ee81067e98cec7e707788daacd94087de3f9f5d908069393"
    "c8960908e8fc8cec0909b0e4d2970a7d81cfaef40a0b84aaa89e0f7d010c020301008580808080808080808001"
    "002a0000000000000080e0bcefa757809a9e010002010a0000000000000002010101010480a0e5b9c291010105"
    "68656c6c6f0201010a00000000000000020101808080800c000001f9ffffffffffffff016104020103b9600120"
    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f00";

// The same type with status = migrating { to = ryjl3 }, no module hash, no controllers.
constexpr const char* future_status_reply_migrating =
    "4449444c0d6c03bbfeb3af067de7b5eaed0b7da4cadab30d7d6c01fbca01686b048da4879b047ff496e4910b7f"
    "e8ff9de90b01ffdba5db0e7f6d686e716b03d7e09b90027fa981ceb7067fcaa989aa08036c09c0cff2717de8f0"
    "9b737dd7e09b90020380ad988a047dd49cd5f10504edd9c8c90705f8e287cc0c7ddeebb5a90e7da882acc60f7d"
    "6c02f1fee18d0374cbe4fdc704716d076c04c1f8dc83037d83cac6e9057da1d0b8af0a7d8fd0cfd00f7d6d7b6e"
    "0a6c0cc5df841c00b2ceef2f02ffdb81f7037dbcc1ee81067e98cec7e707788daacd94087de3f9f5d908069393"
    "c8960908e8fc8cec0909b0e4d2970a7d81cfaef40a0b84aaa89e0f7d010c02030102010a000000000000000201"
    "0100010100000000000000000000000000010000000004020103000000";

TEST(CandidDecode, ReadsKnownFieldsOfAReplyWithUnknownOnes) {
    auto values = c::decode(ic::from_hex(future_status_reply));
    ASSERT_EQ(values.size(), 1u);
    const Value& v = values[0];
    EXPECT_TRUE(v.at("status").is_variant("stopped"));
    EXPECT_FALSE(v.at("status").is_variant("running"));
    EXPECT_EQ(v.at("version").as_u64(), 42u);
    EXPECT_FALSE(v.at("ready_for_migration").as_bool());
    const Value* hash = v.opt_field("module_hash");
    ASSERT_NE(hash, nullptr);
    EXPECT_EQ(ic::to_hex(hash->as_blob()),
              "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    auto controllers = v.at("settings").at("controllers").as_vec();
    ASSERT_EQ(controllers.size(), 2u);
    EXPECT_EQ(controllers[0].as_principal(), ledger);
    EXPECT_TRUE(controllers[1].as_principal().is_anonymous());
    EXPECT_EQ(v.at("settings").at("freezing_threshold").as_u64(), 2592000u);
    EXPECT_EQ(v.at("settings").at("reserved_cycles_limit").as_u64(), 5000000000000u);
    EXPECT_TRUE(v.at("settings").at("log_visibility").is_variant("allowed_viewers"));
    EXPECT_EQ(v.at("memory_size").as_bigint().to_string(), "1180591620717411303429");
    EXPECT_EQ(v.at("cycles").as_u64(), 3'000'000'000'000u);
    EXPECT_EQ(v.at("cycles").as_bigint().to_string(), "3000000000000");
    EXPECT_EQ(v.at("memory_metrics").at("stable_memory_size").as_u64(), 2u);
    EXPECT_EQ(v.at("idle_cycles_burned_per_day").as_u64(), 12345u);
    // Fields this code does not know are kept by id and can be read by name all the same.
    EXPECT_EQ(v.at("settings").opt_field("future_setting")->as_text(), "hello");
    EXPECT_EQ(v.at("unknown_future_field").as_vec()[0].at("value").as_i64(), -7);
    EXPECT_EQ(v.find("not_there"), nullptr);
    EXPECT_EQ(v.opt_field("not_there"), nullptr);
    EXPECT_THROW(v.at("not_there"), ic::Error);
}

TEST(CandidDecode, AnUnknownVariantCaseIsReadableByItsId) {
    auto values = c::decode(ic::from_hex(future_status_reply_migrating));
    ASSERT_EQ(values.size(), 1u);
    const Value& status = values[0].at("status");
    EXPECT_FALSE(status.is_variant("running"));
    EXPECT_FALSE(status.is_variant("stopped"));
    EXPECT_EQ(status.variant_id(), c::field_id("migrating"));
    EXPECT_EQ(status.variant_value().at("to").as_principal(), ledger);
    EXPECT_EQ(values[0].opt_field("module_hash"), nullptr);
    EXPECT_EQ(values[0].at("settings").at("controllers").vec_size(), 0u);
    EXPECT_EQ(values[0].at("settings").opt_field("future_setting"), nullptr);
}

TEST(CandidDecode, SnapshotList) {
    // vec snapshot, from @icp-sdk/core.
    auto values = c::decode(h(
        "4449444c036d7b6c03dbb70100dc84e196077882bff3a50d786d01010201120000000000000001000000000000"
        "0002010140e201000000000000002a36fe9c9717"));
    ASSERT_EQ(values.size(), 1u);
    auto snapshots = values[0].as_vec();
    ASSERT_EQ(snapshots.size(), 1u);
    EXPECT_EQ(ic::to_hex(snapshots[0].at("id").as_blob()), "000000000000000100000000000000020101");
    EXPECT_EQ(snapshots[0].at("taken_at_timestamp").as_u64(), 1700000000000000000u);
    EXPECT_EQ(snapshots[0].at("total_size").as_u64(), 123456u);
}

TEST(CandidDecode, RecursiveTypes) {
    // type List = opt record { head : int; tail : List }, value [1, -2], from @icp-sdk/core.
    auto values =
        c::decode(h("4449444c 02 6e01 6c02 a0d2aca804 7c 90eddae704 00 0100"
                    " 01 01 01 7e 00"));
    ASSERT_EQ(values.size(), 1u);
    const Value* first = values[0].as_opt();
    ASSERT_NE(first, nullptr);
    EXPECT_EQ(first->at("head").as_i64(), 1);
    const Value* second = first->opt_field("tail");
    ASSERT_NE(second, nullptr);
    EXPECT_EQ(second->at("head").as_i64(), -2);
    EXPECT_EQ(second->opt_field("tail"), nullptr);

    // Mutually recursive (opt 1, opt 0): opt opt null.
    auto nested = c::decode(h("4449444c 02 6e01 6e00 01 00 01 01 00"));
    ASSERT_EQ(nested.size(), 1u);
    ASSERT_NE(nested[0].as_opt(), nullptr);
    ASSERT_NE(nested[0].as_opt()->as_opt(), nullptr);
    EXPECT_EQ(nested[0].as_opt()->as_opt()->as_opt(), nullptr);
}

TEST(CandidDecode, AcceptsWhatTheSpecAccepts) {
    // From the Candid test suite (test/prim.test.did, construct.test.did).
    EXPECT_EQ(c::decode(h("4449444c 8000 00")).size(), 0u);             // padded table length
    EXPECT_EQ(c::decode(h("4449444c 00 01 7d 8000"))[0].as_u64(), 0u);  // padded nat
    EXPECT_EQ(c::decode(h("4449444c 00 01 7c ff7f"))[0].as_i64(), -1);
    EXPECT_EQ(c::decode(h("4449444c 00 01 7c ff00"))[0].as_i64(), 127);
    EXPECT_EQ(c::decode(h("4449444c 00 01 7c 807f"))[0].as_i64(), -128);
    EXPECT_EQ(c::decode(h("4449444c 00 01 71 8600 4d6f746f6b6f"))[0].as_text(), "Motoko");
    EXPECT_TRUE(c::decode(h("4449444c 01 6e6f 00")).empty());                   // unused type
    EXPECT_TRUE(c::decode(h("4449444c 02 6e6f 6e6f 00")).empty());              // repeated types
    EXPECT_TRUE(c::decode(h("4449444c 01 6e00 00")).empty());                   // recursive type
    EXPECT_EQ(c::decode(h("4449444c 01 6e6f 01 00 00"))[0].as_opt(), nullptr);  // opt empty
    EXPECT_EQ(c::decode(h("4449444c 01 6d7f 01 00 e807"))[0].vec_size(), 1000u);
    EXPECT_EQ(c::decode(h("4449444c 01 6b03 007f 017f ffffffff0f 7f 01 00 00"))[0].variant_id(),
              0u);
    EXPECT_EQ(c::decode(h("4449444c 00 01 72 010000000000f07f")).size(), 1u);  // NaN
}

// ---- opt subtyping and lenient accessors ----------------------------------------------------

TEST(CandidAccess, OptTreatsNullReservedAndNoneAsAbsent) {
    EXPECT_EQ(Value::null().as_opt(), nullptr);
    EXPECT_EQ(Value::reserved().as_opt(), nullptr);
    EXPECT_EQ(Value::none().as_opt(), nullptr);
    auto some = Value::some(Value::nat(7));
    ASSERT_NE(some.as_opt(), nullptr);
    EXPECT_EQ(some.as_opt()->as_u64(), 7u);
    // A plain value where an opt is expected is that value (opt t accepts a t).
    auto plain = Value::nat(8);
    EXPECT_EQ(plain.as_opt(), &plain);

    // The same on the wire: a reply whose field is reserved, null, or an opt of another type.
    auto record = c::decode(h("4449444c 02 6c03 6170 627f 6301 6e7e 01 00 0100"))[0];
    EXPECT_EQ(record.opt_field("a"), nullptr);
    EXPECT_EQ(record.opt_field("b"), nullptr);
    ASSERT_NE(record.opt_field("c"), nullptr);
    EXPECT_FALSE(record.opt_field("c")->as_bool());
    EXPECT_EQ(record.opt_field("d"), nullptr);
    EXPECT_EQ(c::decode(h("4449444c 00 01 70"))[0].as_opt(), nullptr);
    EXPECT_EQ(c::decode(h("4449444c 00 01 7f"))[0].as_opt(), nullptr);
}

TEST(CandidAccess, NumbersConvertWhenTheyFit) {
    EXPECT_EQ(Value::nat(5).as_u64(), 5u);
    EXPECT_EQ(Value::fixed_nat(6).as_u64(), 6u);
    EXPECT_EQ(Value::int_(7).as_u64(), 7u);
    EXPECT_EQ(Value::fixed_int(8).as_u64(), 8u);
    EXPECT_THROW(Value::int_(-1).as_u64(), ic::Error);
    EXPECT_THROW(Value::fixed_int(-1).as_u64(), ic::Error);
    EXPECT_EQ(Value::nat(9).as_i64(), 9);
    EXPECT_THROW(Value::fixed_nat(std::numeric_limits<std::uint64_t>::max()).as_i64(), ic::Error);
    EXPECT_THROW(Value::text("1").as_u64(), ic::Error);
    EXPECT_THROW(Value::fixed_nat(1).as_bigint(), ic::Error);
}

TEST(CandidAccess, WrongKindsThrowProtocolErrors) {
    auto record = Value::record({{"a", Value::nat(1)}});
    for (auto call : std::initializer_list<void (*)(const Value&)>{
             [](const Value& v) { (void)v.as_text(); },
             [](const Value& v) { (void)v.as_bool(); },
             [](const Value& v) { (void)v.as_blob(); },
             [](const Value& v) { (void)v.as_vec(); },
             [](const Value& v) { (void)v.as_principal(); },
             [](const Value& v) { (void)v.variant_id(); },
             [](const Value& v) { (void)v.at("b"); },
         }) {
        try {
            call(record);
            ADD_FAILURE() << "a record passed for another kind";
        } catch (const ic::Error& e) {
            EXPECT_EQ(e.kind(), ic::ErrorKind::Protocol) << e.what();
        }
    }
    EXPECT_THROW(Value::nat(1).find("a"), ic::Error);
    EXPECT_EQ(Value::blob(h("0102")).as_vec()[1].as_u64(), 2u);
}

// ---- malformed input ------------------------------------------------------------------------

TEST(CandidDecode, RejectsMalformedMessages) {
    const std::pair<const char*, const char*> cases[] = {
        {"", "an empty message"},
        {"4449444c", "a truncated header"},
        {"4441444c 0000", "bad magic"},
        {"4449444c 000000", "a trailing byte"},
        {"4449444c 00 01 7f 00", "a trailing byte after null"},
        {"4449444c 00", "a missing argument count"},
        {"4449444c 80808080808080808080 00 00", "a table length over 64 bits"},
        {"4449444c 00 01 71 80808080808080808080 00", "a text length over 64 bits"},
        {"4449444c 00 01 71 8080808080808080807f", "a huge text length"},
        {"4449444c 00 02 7f", "fewer argument types than announced"},
        {"4449444c 00 01 6e", "a composite opcode in the argument list"},
        {"4449444c 00 01 5e", "an unknown opcode"},
        {"4449444c 00 01 00", "an argument type index out of range"},
        {"4449444c 00 01 ffffffffffffffffff7e", "a type reference over 64 bits"},
        {"4449444c 01 6e01 00", "a table reference out of range"},
        {"4449444c 01 6e", "a truncated table"},
        {"4449444c 01 7f 00", "a primitive type in the table"},
        {"4449444c 01 68 00", "principal in the table"},
        {"4449444c 01 00 00", "an index as a table entry"},
        {"4449444c 02 6d7f 00 00", "an index as a table entry"},
        {"4449444c 01 6a 00 00 00 00", "a func type"},
        {"4449444c 01 69 00 00", "a service type"},
        {"4449444c 01 6e 6e 00", "a composite opcode inside a table entry"},
        {"4449444c 01 6c02 007c 007e 01 00 2a01", "duplicate record fields"},
        {"4449444c 01 6c02 017c 007e 01 00 2a01", "unsorted record fields"},
        {"4449444c 01 6b02 007f 007f 01 00 00", "duplicate variant cases"},
        {"4449444c 01 6b02 017f 007f 01 00 00", "unsorted variant cases"},
        {"4449444c 01 6b03 007f ffffffff0f7f 017f 01 00 00", "variant cases unsorted at 2^32-1"},
        {"4449444c 01 6c01 80e497d012 7c 01 00 2a", "a field id over 32 bits"},
        {"4449444c 01 6c01 007c", "a truncated record type"},
        {"4449444c 00 01 7e 02", "bool 2"},
        {"4449444c 00 01 7e ff", "bool 255"},
        {"4449444c 00 01 7e", "a missing bool"},
        {"4449444c 01 6e7c 01 00 02 2a", "opt tag 2"},
        {"4449444c 01 6e7c 01 00 01", "a truncated opt"},
        {"4449444c 01 6b01 007f 01 00 01", "a variant index out of range"},
        {"4449444c 01 6b00 01 00 00", "a value of an empty variant"},
        {"4449444c 01 6b01 007f 01 00 80808080808080808002", "a variant index over 64 bits"},
        {"4449444c 00 01 7d 80", "a truncated nat"},
        {"4449444c 00 01 7c 80", "a truncated int"},
        {"4449444c 00 01 78 00000000000000", "a truncated nat64"},
        {"4449444c 00 01 73 0000", "a truncated float32"},
        {"4449444c 00 01 71 07 4d6f746f6b6f", "a truncated text"},
        {"4449444c 00 01 71 05 4d6f746f6b6f", "text shorter than its bytes"},
        {"4449444c 00 01 71 03 e228a1", "invalid UTF-8"},
        {"4449444c 00 01 71 02 e29883", "UTF-8 cut by the length"},
        {"4449444c 00 01 71 02 c080", "overlong UTF-8"},
        {"4449444c 00 01 71 03 eda080", "a UTF-16 surrogate in UTF-8"},
        {"4449444c 00 01 71 04 f4908080", "a code point above U+10FFFF"},
        {"4449444c 00 01 71 01 ff", "a byte that never starts UTF-8"},
        {"4449444c 00 01 68 00", "an opaque principal reference"},
        {"4449444c 00 01 68 02 00", "principal tag 2"},
        {"4449444c 00 01 68 01 1e 000000000000000000000000000000000000000000000000000000000000",
         "a 30-byte principal"},
        {"4449444c 00 01 68 01 0a 0000", "a truncated principal"},
        {"4449444c 01 6d7b 01 00 05 0102", "a truncated blob"},
        {"4449444c 01 6d7c 01 00 02 01", "a truncated vec"},
        {"4449444c 00 01 6f", "a value of type empty"},
        {"4449444c 01 6e6f 01 00 01", "opt empty that claims a value"},
        {"4449444c 01 6c01 006f 01 00", "a record with an empty field"},
        {"4449444c 01 6c01 0000 01 00", "a record that contains itself"},
        {"4449444c 02 6d01 6c01 0001 01 00 01", "a vec of self-containing records"},
        {"4449444c 01 6b01 0000 01 00 000000000000000000000000000000000000000000000000000000"
         "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
         "00000000000000000000000000000000000000000000000000",
         "a variant nested past the depth limit"},
        {"4449444c 01 6d7f 01 00 8080808010", "vec null with 2^32 items"},
    };
    for (const auto& [hex, why] : cases) expect_protocol_error(h(hex), why);
}

TEST(CandidDecode, LimitsBoundTheWork) {
    // vec null of 2^32 items: rejected without iterating.
    auto start = std::chrono::steady_clock::now();
    expect_protocol_error(h("4449444c 01 6d7f 01 00 8080808010"), "2^32 nulls");
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));

    c::DecodeLimits small;
    small.max_elements = 1000;
    // vec vec null, 40 x 40: each vector is within the budget, the whole is not.
    ic::Bytes nested = h("4449444c 02 6d7f 6d00 01 01 28");
    for (int i = 0; i < 40; ++i) nested.push_back(40);
    expect_protocol_error(nested, "1600 nulls in nested vectors", small);
    nested[nested.size() - 41] = 20;  // 20 x 40 fits
    EXPECT_EQ(c::decode(ic::Bytes(nested.begin(), nested.end() - 20), small)[0].vec_size(), 20u);

    small.max_elements = 100;
    EXPECT_EQ(c::decode(h("4449444c 01 6d7f 01 00 62"), small)[0].vec_size(), 98u);
    expect_protocol_error(h("4449444c 01 6d7f 01 00 64"), "100 nulls plus the vec", small);

    // opt opt ... 100 deep: over the default depth, fine with a higher limit.
    ic::Bytes deep = h("4449444c 01 6e00 01 00");
    for (int i = 0; i < 100; ++i) deep.push_back(1);
    deep.push_back(0);
    expect_protocol_error(deep, "100 nested opts");
    c::DecodeLimits deeper;
    deeper.max_depth = 200;
    EXPECT_EQ(c::decode(deep, deeper).size(), 1u);
}

}  // namespace
