#include "ic/management.hpp"

#include <gtest/gtest.h>

#include "ic/candid.hpp"
#include "ic/error.hpp"

namespace {

namespace c = ic::candid;

const ic::Principal canister = ic::Principal::from_text("ryjl3-tyaaa-aaaaa-aaaba-cai");

// A canister_status reply as the IC sends it today: more fields than the helper reads, a variant
// case it does not know in a field it ignores, and cycles beyond 64 bits.
ic::Bytes status_reply(const char* status, bool with_module) {
    auto visibility = c::t::variant({{"controllers", c::t::null()}, {"public", c::t::null()}});
    auto type = c::t::record({
        {"status",
         c::t::variant(
             {{"running", c::t::null()}, {"stopping", c::t::null()}, {"stopped", c::t::null()}})},
        {"ready_for_migration", c::t::bool_()},
        {"version", c::t::nat64()},
        {"settings", c::t::record({{"controllers", c::t::vec(c::t::principal())},
                                   {"log_visibility", visibility},
                                   {"wasm_memory_limit", c::t::nat()}})},
        {"module_hash", c::t::opt(c::t::blob())},
        {"memory_size", c::t::nat()},
        {"cycles", c::t::nat()},
        {"query_stats", c::t::record({{"num_calls_total", c::t::nat()}})},
    });
    c::BigInt cycles;
    cycles.magnitude = ic::Bytes(10, 0);
    cycles.magnitude.back() = 1;  // 2^72
    auto value = c::Value::record({
        {"status", c::Value::variant(status)},
        {"ready_for_migration", c::Value::boolean(false)},
        {"version", c::Value::fixed_nat(42)},
        {"settings",
         c::Value::record({{"controllers", c::Value::vec({c::Value::principal(canister)})},
                           {"log_visibility", c::Value::variant("public")},
                           {"wasm_memory_limit", c::Value::nat(0)}})},
        {"module_hash",
         with_module ? c::Value::some(c::Value::blob(ic::Bytes(32, 0xab))) : c::Value::none()},
        {"memory_size", c::Value::nat(12345)},
        {"cycles", c::Value::nat(cycles)},
        {"query_stats", c::Value::record({{"num_calls_total", c::Value::nat(7)}})},
    });
    return c::encode({{type, value}});
}

TEST(CanisterStatus, ReadsTheFieldsTheHelperUsesAndIgnoresTheRest) {
    auto status = ic::management::decode_canister_status(status_reply("stopped", true));
    EXPECT_EQ(status.status, ic::management::CanisterRunState::Stopped);
    EXPECT_EQ(status.version, 42u);
    ASSERT_TRUE(status.module_hash);
    EXPECT_EQ(*status.module_hash, ic::Bytes(32, 0xab));
    ASSERT_EQ(status.controllers.size(), 1u);
    EXPECT_EQ(status.controllers[0], canister);
    EXPECT_EQ(status.cycles.to_string(), "4722366482869645213696");
    EXPECT_EQ(status.memory_size.to_string(), "12345");
}

TEST(CanisterStatus, AnEmptyModuleHasNoHash) {
    auto status = ic::management::decode_canister_status(status_reply("running", false));
    EXPECT_EQ(status.status, ic::management::CanisterRunState::Running);
    EXPECT_FALSE(status.module_hash);
}

TEST(Snapshots, DecodeTheListAndTheNewSnapshot) {
    auto snapshot = c::t::record({{"id", c::t::blob()},
                                  {"taken_at_timestamp", c::t::nat64()},
                                  {"total_size", c::t::nat64()}});
    auto one = [](std::uint8_t id, std::uint64_t at) {
        return c::Value::record({{"id", c::Value::blob(ic::Bytes{id, 1})},
                                 {"taken_at_timestamp", c::Value::fixed_nat(at)},
                                 {"total_size", c::Value::fixed_nat(1000 + id)}});
    };
    auto list = ic::management::decode_snapshots(
        c::encode({{c::t::vec(snapshot), c::Value::vec({one(1, 10), one(2, 20)})}}));
    ASSERT_EQ(list.size(), 2u);
    EXPECT_EQ(list[1].id, (ic::Bytes{2, 1}));
    EXPECT_EQ(list[1].taken_at_timestamp, 20u);
    EXPECT_EQ(list[1].total_size, 1002u);
    auto taken = ic::management::decode_snapshot(c::encode({{snapshot, one(3, 30)}}));
    EXPECT_EQ(taken.id, (ic::Bytes{3, 1}));
}

TEST(ChunkHashes, MustBe32Bytes) {
    auto chunk = c::t::record({{"hash", c::t::blob()}});
    auto good =
        c::encode({{chunk, c::Value::record({{"hash", c::Value::blob(ic::Bytes(32, 7))}})}});
    EXPECT_EQ(ic::management::decode_chunk_hash(good)[0], 7);
    auto short_hash =
        c::encode({{chunk, c::Value::record({{"hash", c::Value::blob(ic::Bytes(31, 7))}})}});
    EXPECT_THROW(ic::management::decode_chunk_hash(short_hash), ic::Error);
}

TEST(Replies, WrongShapesAreProtocolErrors) {
    // Two values where one is expected, and a status reply missing its fields.
    auto two = c::encode({{c::t::nat(), c::Value::nat(1)}, {c::t::nat(), c::Value::nat(2)}});
    try {
        ic::management::decode_snapshots(two);
        FAIL();
    } catch (const ic::Error& e) {
        EXPECT_EQ(e.kind(), ic::ErrorKind::Protocol);
        EXPECT_NE(std::string(e.what()).find("2 values"), std::string::npos) << e.what();
    }
    auto empty_record = c::encode({{c::t::record({}), c::Value::record({})}});
    EXPECT_THROW(ic::management::decode_canister_status(empty_record), ic::Error);
    EXPECT_THROW(ic::management::decode_empty(ic::Bytes{'D', 'I', 'D'}), ic::Error);
}

TEST(Arguments, InstallCodeCarriesModeWasmAndArg) {
    ic::management::InstallCode args;
    args.canister_id = canister;
    args.wasm_module = ic::Bytes{0, 'a', 's', 'm'};
    args.arg = ic::Bytes{'D', 'I', 'D', 'L', 0, 0};
    auto decoded = c::decode(ic::management::install_code_arg(args));
    ASSERT_EQ(decoded.size(), 1u);
    EXPECT_TRUE(decoded[0].at("mode").is_variant("upgrade"));
    EXPECT_EQ(decoded[0].at("canister_id").as_principal(), canister);
    EXPECT_EQ(decoded[0].at("wasm_module").as_blob(), args.wasm_module);
    EXPECT_EQ(decoded[0].at("arg").as_blob(), args.arg);
}

TEST(Arguments, UpgradeKeepsTheWasmMemoryWhenAsked) {
    ic::management::InstallCode args;
    args.canister_id = canister;
    args.keep_wasm_memory = true;
    auto decoded = c::decode(ic::management::install_code_arg(args));
    const c::Value& mode = decoded.at(0).at("mode");
    ASSERT_TRUE(mode.is_variant("upgrade"));
    const c::Value* options = mode.variant_value().as_opt();
    ASSERT_NE(options, nullptr);
    EXPECT_EQ(options->opt_field("skip_pre_upgrade"), nullptr);
    const c::Value* persistence = options->opt_field("wasm_memory_persistence");
    ASSERT_NE(persistence, nullptr);
    EXPECT_TRUE(persistence->is_variant("keep"));

    ic::management::InstallChunkedCode chunked;
    chunked.target_canister = canister;
    chunked.keep_wasm_memory = true;
    auto decoded_chunked = c::decode(ic::management::install_chunked_code_arg(chunked));
    EXPECT_NE(decoded_chunked.at(0).at("mode").variant_value().as_opt(), nullptr);
}

}  // namespace

namespace {

TEST(SnapshotTransfer, ReadDataArgumentNamesTheBlobAndSlice) {
    ic::Bytes id = {0, 0, 0, 0, 0, 0, 0, 1};
    auto args = c::decode(ic::management::read_canister_snapshot_data_arg(
        canister, id, ic::management::SnapshotBlob::StableMemory, 2'000'000, 5));
    ASSERT_EQ(args.size(), 1u);
    EXPECT_EQ(args[0].at("canister_id").as_principal(), canister);
    EXPECT_EQ(args[0].at("snapshot_id").as_blob(), id);
    const c::Value& kind = args[0].at("kind");
    ASSERT_TRUE(kind.is_variant("stable_memory"));
    EXPECT_EQ(kind.variant_value().at("offset").as_u64(), 2'000'000u);
    EXPECT_EQ(kind.variant_value().at("size").as_u64(), 5u);
    ic::Hash h{};
    h[1] = 7;
    auto chunk = c::decode(ic::management::read_canister_snapshot_chunk_arg(canister, id, h));
    ASSERT_TRUE(chunk[0].at("kind").is_variant("wasm_chunk"));
    EXPECT_EQ(chunk[0].at("kind").variant_value().at("hash").as_blob(), ic::to_bytes(h));
}

TEST(SnapshotTransfer, UploadArgumentsCarryTheMetadataAndData) {
    ic::management::SnapshotMetadata m;
    m.wasm_module_size = 15;
    m.wasm_memory_size = 3;
    m.stable_memory_size = 4;
    m.certified_data = {9};
    ic::management::SnapshotGlobal g;
    g.type = ic::management::SnapshotGlobal::Type::I64;
    g.integer = -2;
    m.globals = {g};
    m.global_timer = ic::management::GlobalTimer{true, 77};
    m.on_low_wasm_memory_hook_status = "executed";
    ic::Bytes replace = {1, 2};
    auto args =
        c::decode(ic::management::upload_canister_snapshot_metadata_arg(canister, replace, m));
    const c::Value& v = args[0];
    EXPECT_EQ(v.at("replace_snapshot").as_opt()->as_blob(), replace);
    EXPECT_EQ(v.at("wasm_module_size").as_u64(), 15u);
    EXPECT_EQ(v.at("stable_memory_size").as_u64(), 4u);
    EXPECT_EQ(v.at("certified_data").as_blob(), ic::Bytes{9});
    EXPECT_EQ(v.at("globals").as_vec()[0].variant_value().as_i64(), -2);
    EXPECT_EQ(v.at("global_timer").as_opt()->variant_value().as_u64(), 77u);
    EXPECT_TRUE(v.at("on_low_wasm_memory_hook_status").as_opt()->is_variant("executed"));

    ic::Bytes data = {5, 6, 7};
    auto up = c::decode(ic::management::upload_canister_snapshot_data_arg(
        canister, replace, ic::management::SnapshotBlob::WasmMemory, 10, data));
    EXPECT_TRUE(up[0].at("kind").is_variant("wasm_memory"));
    EXPECT_EQ(up[0].at("kind").variant_value().at("offset").as_u64(), 10u);
    EXPECT_EQ(up[0].at("chunk").as_blob(), data);
    auto chunk =
        c::decode(ic::management::upload_canister_snapshot_chunk_arg(canister, replace, data));
    EXPECT_TRUE(chunk[0].at("kind").is_variant("wasm_chunk"));
}

TEST(SnapshotTransfer, DecodesTheMetadataReply) {
    auto timer = c::t::variant({{"inactive", c::t::null()}, {"active", c::t::nat64()}});
    auto hook = c::t::variant({{"condition_not_satisfied", c::t::null()},
                               {"ready", c::t::null()},
                               {"executed", c::t::null()}});
    auto type = c::t::record(
        {{"source", c::t::variant({{"taken_from_canister", c::t::reserved()},
                                   {"metadata_upload", c::t::reserved()}})},
         {"taken_at_timestamp", c::t::nat64()},
         {"wasm_module_size", c::t::nat64()},
         {"globals", c::t::vec(c::t::variant({{"i32", c::t::int32()}, {"f64", c::t::float64()}}))},
         {"wasm_memory_size", c::t::nat64()},
         {"stable_memory_size", c::t::nat64()},
         {"wasm_chunk_store", c::t::vec(c::t::record({{"hash", c::t::blob()}}))},
         {"canister_version", c::t::nat64()},
         {"certified_data", c::t::blob()},
         {"global_timer", c::t::opt(timer)},
         {"on_low_wasm_memory_hook_status", c::t::opt(hook)}});
    auto value = c::Value::record(
        {{"source", c::Value::variant("metadata_upload", c::Value::reserved())},
         {"taken_at_timestamp", c::Value::fixed_nat(5)},
         {"wasm_module_size", c::Value::fixed_nat(15)},
         {"globals", c::Value::vec({c::Value::variant("i32", c::Value::fixed_int(-3)),
                                    c::Value::variant("f64", c::Value::float64(2.5))})},
         {"wasm_memory_size", c::Value::fixed_nat(65536)},
         {"stable_memory_size", c::Value::fixed_nat(0)},
         {"wasm_chunk_store",
          c::Value::vec({c::Value::record({{"hash", c::Value::blob(ic::Bytes(32, 1))}})})},
         {"canister_version", c::Value::fixed_nat(8)},
         {"certified_data", c::Value::blob({4})},
         {"global_timer", c::Value::some(c::Value::variant("inactive"))},
         {"on_low_wasm_memory_hook_status", c::Value::none()}});
    auto m = ic::management::decode_snapshot_metadata(c::encode({{type, value}}));
    EXPECT_EQ(m.source, "metadata_upload");
    EXPECT_EQ(m.wasm_memory_size, 65536u);
    ASSERT_EQ(m.globals.size(), 2u);
    EXPECT_EQ(m.globals[0].integer, -3);
    EXPECT_EQ(m.globals[1].real, 2.5);
    ASSERT_EQ(m.wasm_chunk_store.size(), 1u);
    EXPECT_EQ(m.canister_version, 8u);
    ASSERT_TRUE(m.global_timer);
    EXPECT_FALSE(m.global_timer->active);
    EXPECT_FALSE(m.on_low_wasm_memory_hook_status);
}

}  // namespace
