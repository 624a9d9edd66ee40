// Cross-checks juno-helper's IC agent against DFINITY's own implementation.
//
// The compare suites read vectors that generate_vectors.mjs computed with @icp-sdk/core (path in
// JUNO_CROSSCHECK_VECTORS) and require the helper's bytes to be identical: a replica accepts many
// encodings, but identical bytes leave no room for "it happens to decode". SignForNode writes
// signatures made by ic::Identity to JUNO_CROSSCHECK_SIGNATURES for verify_signatures.mjs.
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "ic/bytes.hpp"
#include "ic/candid.hpp"
#include "ic/cbor.hpp"
#include "ic/error.hpp"
#include "ic/identity.hpp"
#include "ic/management.hpp"
#include "ic/principal.hpp"
#include "ic/request_id.hpp"

namespace {

namespace fs = std::filesystem;
namespace c = ic::candid;
namespace mgmt = ic::management;
using Json = rapidjson::Value;

// ---- reading the vectors ----------------------------------------------------------------------

std::string env(const char* name) {
    const char* value = std::getenv(name);
    return value ? value : "";
}

// Parsed once; a missing or unreadable file fails every test that needs it.
const rapidjson::Document& vectors() {
    static const rapidjson::Document document = [] {
        rapidjson::Document d;
        const std::string path = env("JUNO_CROSSCHECK_VECTORS");
        if (path.empty()) {
            throw std::runtime_error(
                "JUNO_CROSSCHECK_VECTORS is not set: run through ctest (crosscheck.compare), or "
                "write vectors with `node tests/crosscheck/generate_vectors.mjs <file>` first");
        }
        std::ifstream in(path, std::ios::binary);
        if (!in) throw std::runtime_error("cannot read vectors from " + path);
        std::stringstream text;
        text << in.rdbuf();
        d.Parse(text.str().c_str(), text.str().size());
        if (d.HasParseError() || !d.IsObject()) {
            throw std::runtime_error(path + " is not a JSON object");
        }
        return d;
    }();
    return document;
}

std::string str(const Json& v) { return {v.GetString(), v.GetStringLength()}; }
std::string seed() { return str(vectors()["seed"]); }
ic::Bytes hex(const Json& v) { return ic::from_hex(str(v)); }
ic::Principal principal(const Json& v) { return ic::Principal::from_text(str(v)); }

std::uint64_t u64(const Json& v) {
    const std::string text = str(v);
    std::uint64_t out = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
    if (error != std::errc() || end != text.data() + text.size()) {
        throw std::runtime_error("not a u64: " + text);
    }
    return out;
}

std::vector<ic::Principal> principals(const Json& array) {
    std::vector<ic::Principal> out;
    for (const auto& item : array.GetArray()) out.push_back(principal(item));
    return out;
}

std::vector<const Json*> candid_vectors(std::string_view kind) {
    std::vector<const Json*> out;
    for (const auto& v : vectors()["candid"].GetArray()) {
        if (str(v["kind"]) == kind) out.push_back(&v);
    }
    return out;
}

// Where two encodings first differ, with enough context to find the field by eye.
std::string describe_difference(const ic::Bytes& expected, const ic::Bytes& actual) {
    std::size_t at = 0;
    while (at < expected.size() && at < actual.size() && expected[at] == actual[at]) ++at;
    constexpr std::size_t context = 48;
    const std::size_t from = at > context ? at - context : 0;
    auto window = [&](const ic::Bytes& b) {
        if (from >= b.size()) return std::string("(ends before)");
        const std::size_t to = std::min(b.size(), at + context);
        return (from > 0 ? "..." : "") + ic::to_hex(ic::ByteView(b).subspan(from, to - from)) +
               (to < b.size() ? "..." : "");
    };
    std::ostringstream out;
    out << "first difference at byte " << at << " (expected " << expected.size()
        << " bytes, helper sent " << actual.size() << ")\n  @icp-sdk/core: " << window(expected)
        << "\n  juno-helper:   " << window(actual);
    // Tells a reordered type table (harmless to a decoder, still a difference) from a wrong value.
    try {
        if (c::decode(expected) == c::decode(actual)) {
            out << "\n  (both decode to the same values: the type tables differ)";
        }
    } catch (const std::exception& e) {
        out << "\n  (decoding for comparison failed: " << e.what() << ")";
    }
    return out.str();
}

void expect_same_bytes(const Json& vector, std::size_t index, const ic::Bytes& actual) {
    const ic::Bytes expected = hex(vector["hex"]);
    if (expected == actual) return;
    ADD_FAILURE() << str(vector["method"]) << " vector #" << index << " (seed " << seed()
                  << "): the helper's Candid differs from @icp-sdk/core's IDL.encode\n  input: " <<
        [&] {
            rapidjson::StringBuffer buffer;
            rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
            vector["input"].Accept(writer);
            std::string s = buffer.GetString();
            return s.size() > 400 ? s.substr(0, 400) + "..." : s;
        }() << "\n  "
                  << describe_difference(expected, actual);
}

// ---- Candid arguments of the management canister -------------------------------------------

mgmt::InstallMode install_mode(const Json& input) {
    const std::string mode = str(input["mode"]);
    if (mode == "install") return mgmt::InstallMode::Install;
    if (mode == "reinstall") return mgmt::InstallMode::Reinstall;
    if (mode == "upgrade") return mgmt::InstallMode::Upgrade;
    throw std::runtime_error("unknown install mode " + mode);
}

bool has_upgrade_options(const Json& input) { return !input["upgrade_options"].IsNull(); }

// The upgrade options the helper sends: keep the Wasm memory, skip pre_upgrade, or both (each
// `opt` unset when not chosen; upgrade = null when neither). Nothing when a vector's options are
// ones the helper never sends (skip_pre_upgrade = opt false, persistence replace).
struct HelperUpgradeOptions {
    bool keep_wasm_memory = false;
    bool skip_pre_upgrade = false;
};
std::optional<HelperUpgradeOptions> helper_options(const Json& input) {
    if (!has_upgrade_options(input)) return HelperUpgradeOptions{};
    const Json& options = input["upgrade_options"];
    const Json& skip = options["skip_pre_upgrade"];
    const Json& persistence = options["wasm_memory_persistence"];
    if (!skip.IsNull() && !skip.GetBool()) return std::nullopt;
    if (!persistence.IsNull() && std::string(persistence.GetString()) != "keep")
        return std::nullopt;
    if (skip.IsNull() && persistence.IsNull()) return std::nullopt;
    return HelperUpgradeOptions{!persistence.IsNull(), !skip.IsNull()};
}

// The helper's InstallCode cannot express upgrade options (skip_pre_upgrade,
// wasm_memory_persistence), so vectors with options check the Candid encoder directly on the
// full canister_install_mode type of ic.did.
c::TypePtr full_install_mode_type() {
    auto persistence = c::t::variant({{"keep", c::t::null()}, {"replace", c::t::null()}});
    auto options = c::t::record({{"skip_pre_upgrade", c::t::opt(c::t::bool_())},
                                 {"wasm_memory_persistence", c::t::opt(persistence)}});
    return c::t::variant(
        {{"install", c::t::null()}, {"reinstall", c::t::null()}, {"upgrade", c::t::opt(options)}});
}

c::Value full_install_mode_value(const Json& input) {
    const Json& options = input["upgrade_options"];
    const Json& skip = options["skip_pre_upgrade"];
    const Json& persistence = options["wasm_memory_persistence"];
    return c::Value::variant(
        "upgrade",
        c::Value::some(c::Value::record(
            {{"skip_pre_upgrade",
              skip.IsNull() ? c::Value::none() : c::Value::some(c::Value::boolean(skip.GetBool()))},
             {"wasm_memory_persistence",
              persistence.IsNull() ? c::Value::none()
                                   : c::Value::some(c::Value::variant(str(persistence)))}})));
}

// Printed so that a passing run still shows how much was compared.
void count_checked(std::string_view kind, std::size_t n) {
    std::cout << "[ checked  ] " << n << " " << kind << " vectors (seed " << seed() << ")\n";
}

TEST(CandidArguments, EveryVectorKindIsChecked) {
    // A kind added to the generator without a check here would otherwise pass unnoticed.
    const std::vector<std::string> known = {"canister_id",
                                            "install_code",
                                            "upload_chunk",
                                            "install_chunked_code",
                                            "take_canister_snapshot",
                                            "load_canister_snapshot",
                                            "delete_canister_snapshot",
                                            "provisional_create_canister_with_cycles",
                                            "update_settings"};
    std::map<std::string, int> seen;
    for (const auto& v : vectors()["candid"].GetArray()) ++seen[str(v["kind"])];
    for (const auto& [kind, n] : seen) {
        EXPECT_NE(std::find(known.begin(), known.end(), kind), known.end())
            << "no check for Candid vectors of kind " << kind;
    }
    for (const auto& kind : known) EXPECT_GT(seen[kind], 0) << "no vector of kind " << kind;
}

TEST(CandidArguments, CanisterIdRecord) {
    const auto all = candid_vectors("canister_id");
    std::map<std::string, int> methods;
    for (std::size_t i = 0; i < all.size(); ++i) {
        const Json& v = *all[i];
        ++methods[str(v["method"])];
        expect_same_bytes(v, i, mgmt::canister_id_arg(principal(v["input"]["canister_id"])));
    }
    // Each method that takes record { canister_id } has its own named type in ic.did.
    for (const char* method : {"canister_status", "stop_canister", "start_canister",
                               "stored_chunks", "clear_chunk_store", "list_canister_snapshots"}) {
        EXPECT_GT(methods[method], 0) << "no vector for " << method;
    }
    count_checked("record { canister_id }", all.size());
}

TEST(CandidArguments, InstallCode) {
    const auto all = candid_vectors("install_code");
    std::size_t with_options = 0;
    std::size_t keeps = 0;
    std::size_t skips = 0;
    for (std::size_t i = 0; i < all.size(); ++i) {
        const Json& in = (*all[i])["input"];
        if (auto options = helper_options(in)) {
            mgmt::InstallCode args;
            args.mode = install_mode(in);
            args.canister_id = principal(in["canister_id"]);
            args.wasm_module = hex(in["wasm_module"]);
            args.arg = hex(in["arg"]);
            args.keep_wasm_memory = options->keep_wasm_memory;
            args.skip_pre_upgrade = options->skip_pre_upgrade;
            keeps += args.keep_wasm_memory ? 1 : 0;
            skips += args.skip_pre_upgrade ? 1 : 0;
            expect_same_bytes(*all[i], i, mgmt::install_code_arg(args));
            continue;
        }
        ++with_options;
        auto type = c::t::record({{"mode", full_install_mode_type()},
                                  {"canister_id", c::t::principal()},
                                  {"wasm_module", c::t::blob()},
                                  {"arg", c::t::blob()},
                                  {"sender_canister_version", c::t::opt(c::t::nat64())}});
        auto value =
            c::Value::record({{"mode", full_install_mode_value(in)},
                              {"canister_id", c::Value::principal(principal(in["canister_id"]))},
                              {"wasm_module", c::Value::blob(hex(in["wasm_module"]))},
                              {"arg", c::Value::blob(hex(in["arg"]))},
                              {"sender_canister_version", c::Value::none()}});
        expect_same_bytes(*all[i], i, c::encode({{type, value}}));
    }
    EXPECT_GT(with_options, 0u);
    EXPECT_GT(keeps, 0u) << "no vector of the helper's keep-memory upgrade";
    EXPECT_GT(skips, 0u) << "no vector of the helper's skip_pre_upgrade upgrade";
    EXPECT_GT(all.size() - with_options, 0u);
    count_checked("install_code_args", all.size());
}

TEST(CandidArguments, UploadChunk) {
    const auto all = candid_vectors("upload_chunk");
    for (std::size_t i = 0; i < all.size(); ++i) {
        const Json& in = (*all[i])["input"];
        expect_same_bytes(*all[i], i,
                          mgmt::upload_chunk_arg(principal(in["canister_id"]), hex(in["chunk"])));
    }
    count_checked("upload_chunk_args", all.size());
}

ic::Hash hash32(const Json& v) {
    const ic::Bytes bytes = hex(v);
    if (bytes.size() != 32) throw std::runtime_error("a chunk hash vector is not 32 bytes");
    ic::Hash h{};
    std::copy(bytes.begin(), bytes.end(), h.begin());
    return h;
}

TEST(CandidArguments, InstallChunkedCode) {
    const auto all = candid_vectors("install_chunked_code");
    std::size_t with_options = 0;
    std::size_t keeps = 0;
    std::size_t skips = 0;
    for (std::size_t i = 0; i < all.size(); ++i) {
        const Json& in = (*all[i])["input"];
        std::vector<ic::Hash> hashes;
        for (const auto& h : in["chunk_hashes"].GetArray()) hashes.push_back(hash32(h));
        if (auto options = helper_options(in)) {
            mgmt::InstallChunkedCode args;
            args.mode = install_mode(in);
            args.target_canister = principal(in["target_canister"]);
            args.chunk_hashes = hashes;
            args.wasm_module_hash = hash32(in["wasm_module_hash"]);
            args.arg = hex(in["arg"]);
            args.keep_wasm_memory = options->keep_wasm_memory;
            args.skip_pre_upgrade = options->skip_pre_upgrade;
            keeps += args.keep_wasm_memory ? 1 : 0;
            skips += args.skip_pre_upgrade ? 1 : 0;
            expect_same_bytes(*all[i], i, mgmt::install_chunked_code_arg(args));
            continue;
        }
        ++with_options;
        auto type =
            c::t::record({{"mode", full_install_mode_type()},
                          {"target_canister", c::t::principal()},
                          {"store_canister", c::t::opt(c::t::principal())},
                          {"chunk_hashes_list", c::t::vec(c::t::record({{"hash", c::t::blob()}}))},
                          {"wasm_module_hash", c::t::blob()},
                          {"arg", c::t::blob()},
                          {"sender_canister_version", c::t::opt(c::t::nat64())}});
        std::vector<c::Value> list;
        for (const auto& h : hashes) {
            list.push_back(c::Value::record({{"hash", c::Value::blob(ic::to_bytes(h))}}));
        }
        auto value = c::Value::record(
            {{"mode", full_install_mode_value(in)},
             {"target_canister", c::Value::principal(principal(in["target_canister"]))},
             {"store_canister", c::Value::none()},
             {"chunk_hashes_list", c::Value::vec(std::move(list))},
             {"wasm_module_hash", c::Value::blob(hex(in["wasm_module_hash"]))},
             {"arg", c::Value::blob(hex(in["arg"]))},
             {"sender_canister_version", c::Value::none()}});
        expect_same_bytes(*all[i], i, c::encode({{type, value}}));
    }
    EXPECT_GT(with_options, 0u);
    EXPECT_GT(keeps, 0u) << "no vector of the helper's keep-memory upgrade";
    EXPECT_GT(skips, 0u) << "no vector of the helper's skip_pre_upgrade upgrade";
    EXPECT_GT(all.size() - with_options, 0u);
    count_checked("install_chunked_code_args", all.size());
}

TEST(CandidArguments, TakeCanisterSnapshot) {
    const auto all = candid_vectors("take_canister_snapshot");
    for (std::size_t i = 0; i < all.size(); ++i) {
        const Json& in = (*all[i])["input"];
        std::optional<ic::Bytes> replace;
        if (!in["replace_snapshot"].IsNull()) replace = hex(in["replace_snapshot"]);
        expect_same_bytes(*all[i], i,
                          mgmt::take_canister_snapshot_arg(principal(in["canister_id"]), replace));
    }
    count_checked("take_canister_snapshot_args", all.size());
}

TEST(CandidArguments, LoadCanisterSnapshot) {
    const auto all = candid_vectors("load_canister_snapshot");
    for (std::size_t i = 0; i < all.size(); ++i) {
        const Json& in = (*all[i])["input"];
        expect_same_bytes(
            *all[i], i,
            mgmt::load_canister_snapshot_arg(principal(in["canister_id"]), hex(in["snapshot_id"])));
    }
    count_checked("load_canister_snapshot_args", all.size());
}

TEST(CandidArguments, DeleteCanisterSnapshot) {
    const auto all = candid_vectors("delete_canister_snapshot");
    for (std::size_t i = 0; i < all.size(); ++i) {
        const Json& in = (*all[i])["input"];
        expect_same_bytes(*all[i], i,
                          mgmt::delete_canister_snapshot_arg(principal(in["canister_id"]),
                                                             hex(in["snapshot_id"])));
    }
    count_checked("delete_canister_snapshot_args", all.size());
}

TEST(CandidArguments, ProvisionalCreateCanisterWithCycles) {
    const auto all = candid_vectors("provisional_create_canister_with_cycles");
    for (std::size_t i = 0; i < all.size(); ++i) {
        const Json& in = (*all[i])["input"];
        std::optional<std::uint64_t> amount;
        if (!in["amount"].IsNull()) amount = u64(in["amount"]);
        expect_same_bytes(*all[i], i,
                          mgmt::provisional_create_canister_with_cycles_arg(
                              amount, principals(in["controllers"])));
    }
    count_checked("provisional_create_canister_with_cycles_args", all.size());
}

TEST(CandidArguments, UpdateSettingsControllers) {
    const auto all = candid_vectors("update_settings");
    for (std::size_t i = 0; i < all.size(); ++i) {
        const Json& in = (*all[i])["input"];
        expect_same_bytes(*all[i], i,
                          mgmt::update_settings_controllers_arg(principal(in["canister_id"]),
                                                                principals(in["controllers"])));
    }
    count_checked("update_settings_args", all.size());
}

// ---- request ids --------------------------------------------------------------------------------

// {"blob": hex} | {"text": s} | {"nat": decimal} | {"array": [...]}, as generate_vectors.mjs
// records the CBOR type of each field.
ic::cbor::Value content_value(const Json& typed) {
    const auto& [name, value] = *typed.MemberBegin();
    const std::string type = str(name);
    if (type == "blob") return ic::cbor::Value(hex(value));
    if (type == "text") return ic::cbor::Value(str(value));
    if (type == "nat") return ic::cbor::Value(u64(value));
    if (type == "array") {
        ic::cbor::Array items;
        for (const auto& item : value.GetArray()) items.push_back(content_value(item));
        return ic::cbor::Value(std::move(items));
    }
    throw std::runtime_error("unknown content type " + type);
}

TEST(RequestIds, MatchRequestIdOf) {
    const auto& all = vectors()["request_ids"].GetArray();
    ASSERT_GT(all.Size(), 0u);
    std::map<std::string, int> types;
    for (rapidjson::SizeType i = 0; i < all.Size(); ++i) {
        ic::cbor::Map content;
        for (const auto& field : all[i]["content"].GetArray()) {
            content.emplace_back(str(field[0]), content_value(field[1]));
        }
        for (const auto& [key, value] : content) {
            if (key == "request_type") ++types[value.as_text()];
        }
        const std::string expected = str(all[i]["request_id"]);
        const std::string actual = ic::to_hex(ic::request_id(content));
        EXPECT_EQ(actual, expected) << "request id vector #" << i << " (seed " << seed()
                                    << ") differs from @icp-sdk/core's requestIdOf";
    }
    for (const char* t : {"call", "query", "read_state"}) {
        EXPECT_GT(types[t], 0) << "no " << t << " request id vector";
    }
    count_checked("request id", all.Size());
}

// ---- principals ---------------------------------------------------------------------------------

TEST(Principals, RoundTripBothWays) {
    const auto& all = vectors()["principals"]["round_trips"].GetArray();
    ASSERT_GT(all.Size(), 0u);
    for (rapidjson::SizeType i = 0; i < all.Size(); ++i) {
        const ic::Bytes bytes = hex(all[i]["bytes"]);
        const std::string text = str(all[i]["text"]);
        EXPECT_EQ(ic::Principal(bytes).to_text(), text)
            << "principal " << ic::to_hex(bytes) << " (seed " << seed() << ")";
        try {
            EXPECT_EQ(ic::to_hex(ic::Principal::from_text(text).bytes()), ic::to_hex(bytes))
                << "principal " << text << " (seed " << seed() << ")";
        } catch (const ic::Error& e) {
            ADD_FAILURE() << "the helper rejects " << text
                          << ", which @icp-sdk/core printed: " << e.what();
        }
    }
    count_checked("principal round trip", all.Size());
}

TEST(Principals, RejectWhatDfinityRejects) {
    const auto& all = vectors()["principals"]["invalid_texts"].GetArray();
    ASSERT_GT(all.Size(), 0u);
    for (const auto& v : all) {
        const std::string text = str(v);
        EXPECT_THROW(ic::Principal::from_text(text), ic::Error)
            << "the helper accepts '" << text << "', which @icp-sdk/core rejects (seed " << seed()
            << ")";
    }
    count_checked("rejected principal text", all.Size());
}

TEST(Principals, SelfAuthenticating) {
    const auto& all = vectors()["principals"]["self_authenticating"].GetArray();
    ASSERT_GT(all.Size(), 0u);
    for (const auto& v : all) {
        EXPECT_EQ(ic::Principal::self_authenticating(hex(v["public_key_der"])).to_text(),
                  str(v["text"]))
            << str(v["algorithm"]) << " key " << str(v["public_key_der"]);
    }
    count_checked("self-authenticating principal", all.Size());
}

// ---- signatures for verify_signatures.mjs -------------------------------------------------------

struct KeyFile {
    fs::path path;
    std::string source;  // shown by the verifier when a signature fails
};

// Writes fresh keys in every PEM shape the helper reads. The shipped test keys are fixed; these
// add new keys on every run, so that a key-dependent bug (a short r or s, say) eventually shows.
std::vector<KeyFile> generate_keys(const fs::path& dir) {
    const std::string openssl = env("JUNO_OPENSSL");
    if (openssl.empty()) return {};
    fs::remove_all(dir);
    fs::create_directories(dir);
    auto run = [&](const std::string& args) {
        const std::string command = "'" + openssl + "' " + args + " 2>&1";
        if (std::system(command.c_str()) != 0) {
            throw std::runtime_error("openssl failed: " + command);
        }
    };
    auto in = [&](const char* name) { return "'" + (dir / name).string() + "'"; };
    run("genpkey -algorithm ed25519 -out " + in("ed25519.pem"));
    run("ecparam -name secp256k1 -genkey -noout -out " + in("secp256k1_sec1.pem"));
    run("ecparam -name secp256k1 -genkey -out " + in("secp256k1_sec1_params.pem"));
    run("pkcs8 -topk8 -nocrypt -in " + in("secp256k1_sec1.pem") + " -out " +
        in("secp256k1_pkcs8.pem"));
    // dfx writes its SEC1 keys with CRLF line ends.
    {
        std::ifstream lf(dir / "secp256k1_sec1_params.pem");
        std::ofstream crlf(dir / "secp256k1_sec1_crlf.pem", std::ios::binary);
        for (std::string line; std::getline(lf, line);) crlf << line << "\r\n";
    }
    std::vector<KeyFile> keys;
    for (const char* name : {"ed25519.pem", "secp256k1_sec1.pem", "secp256k1_sec1_params.pem",
                             "secp256k1_pkcs8.pem", "secp256k1_sec1_crlf.pem"}) {
        keys.push_back({dir / name, std::string("fresh ") + name});
    }
    return keys;
}

std::vector<KeyFile> key_files() {
    std::vector<KeyFile> keys;
    const fs::path data = JUNO_TEST_DATA_DIR;
    for (const char* name : {"ed25519.pem", "secp256k1_sec1.pem", "secp256k1_pkcs8.pem"}) {
        if (fs::exists(data / name))
            keys.push_back({data / name, std::string("tests/unit/data/") + name});
    }
    const std::string dir = env("JUNO_CROSSCHECK_KEY_DIR");
    const auto fresh = generate_keys(
        dir.empty() ? fs::temp_directory_path() / "juno-crosscheck-keys" : fs::path(dir));
    keys.insert(keys.end(), fresh.begin(), fresh.end());
    return keys;
}

TEST(SignForNode, WriteSignaturesOfEveryKeyKind) {
    const std::string out_path = env("JUNO_CROSSCHECK_SIGNATURES");
    ASSERT_FALSE(out_path.empty()) << "JUNO_CROSSCHECK_SIGNATURES names the file to write";
    fs::remove(out_path);  // a failed run must not leave the previous run's file to verify

    const auto keys = key_files();
    ASSERT_FALSE(keys.empty())
        << "no keys: neither tests/unit/data/*.pem nor the openssl CLI (JUNO_OPENSSL) is there";

    const std::uint64_t seed = std::random_device{}();
    std::cout << "[ messages ] seed " << seed << "\n";
    std::mt19937_64 rng(seed);
    auto random_bytes = [&](std::size_t n) {
        ic::Bytes b(n);
        for (auto& byte : b) byte = static_cast<std::uint8_t>(rng());
        return b;
    };

    rapidjson::StringBuffer buffer;
    rapidjson::PrettyWriter<rapidjson::StringBuffer> writer(buffer);
    writer.StartArray();
    std::map<std::string, int> per_algorithm;
    for (const auto& key : keys) {
        SCOPED_TRACE(key.path.string());
        const ic::Identity identity = ic::Identity::from_pem_file(key.path);
        ASSERT_FALSE(identity.is_anonymous());
        const char* algorithm =
            identity.algorithm() == ic::Identity::Algorithm::Ed25519 ? "ed25519" : "secp256k1";
        EXPECT_EQ(key.path.filename().string().rfind(algorithm, 0), 0u) << "read as " << algorithm;
        EXPECT_EQ(identity.sender(), ic::Principal::self_authenticating(identity.public_key_der()));

        // What the helper really signs (a request id behind the domain separator), plus
        // arbitrary messages of the lengths that break naive code.
        std::vector<ic::Bytes> messages;
        for (int i = 0; i < 8; ++i) {
            ic::cbor::Map content{
                {"request_type", "call"},          {"sender", identity.sender().bytes()},
                {"nonce", random_bytes(16)},       {"ingress_expiry", std::uint64_t{rng()}},
                {"canister_id", random_bytes(10)}, {"method_name", "install_code"},
                {"arg", random_bytes(rng() % 200)}};
            messages.push_back(ic::signable_request(ic::request_id(content)));
        }
        for (std::size_t n : {0, 1, 32, 55, 56, 64, 1000}) messages.push_back(random_bytes(n));
        for (int i = 0; i < 8; ++i) messages.push_back(random_bytes(rng() % 300));

        for (const auto& message : messages) {
            const ic::Bytes signature = identity.sign(message);
            EXPECT_EQ(signature.size(), 64u);
            writer.StartObject();
            writer.Key("algorithm");
            writer.String(algorithm);
            writer.Key("source");
            writer.String(key.source.c_str());
            writer.Key("public_key_der");
            writer.String(ic::to_hex(identity.public_key_der()).c_str());
            writer.Key("message");
            writer.String(ic::to_hex(message).c_str());
            writer.Key("signature");
            writer.String(ic::to_hex(signature).c_str());
            writer.Key("sender");
            writer.String(identity.sender().to_text().c_str());
            writer.EndObject();
            ++per_algorithm[algorithm];
        }
    }
    writer.EndArray();
    EXPECT_GT(per_algorithm["ed25519"], 0);
    EXPECT_GT(per_algorithm["secp256k1"], 0);
    if (HasFailure()) return;

    std::ofstream out(out_path, std::ios::binary);
    out << buffer.GetString() << "\n";
    ASSERT_TRUE(out.good()) << "cannot write " << out_path;
    std::cout << "[ wrote    ] " << per_algorithm["ed25519"] << " Ed25519 and "
              << per_algorithm["secp256k1"] << " secp256k1 signatures to " << out_path << "\n";
}

}  // namespace
