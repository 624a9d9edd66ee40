// Keys under tests/unit/data are test-only, made with the openssl CLI:
//   ed25519.pem                  openssl genpkey -algorithm ed25519
//   ed25519_rfc8032.pem          RFC 8032 §7.1 TEST 1 seed as PKCS#8 (known signature below)
//   ed25519_dfx_legacy.pem       the same seed in the non-conforming PKCS#8 v1 of very old dfx
//   secp256k1_sec1.pem           openssl ecparam -name secp256k1 -genkey -noout (SEC1, as dfx)
//   secp256k1_sec1_crlf.pem      the same with CRLF line ends (as dfx writes them)
//   secp256k1_pkcs8.pem          the same, openssl pkcs8 -topk8 -nocrypt (as icp-cli writes)
//   secp256k1_sec1_compressed.pem, secp256k1_sec1_no_public.pem, secp256k1_explicit.pem: the same
//                                key through openssl ec -conv_form compressed / -no_public /
//                                -param_enc explicit
//   secp256k1_sec1_params.pem    openssl ecparam -name secp256k1 -genkey (EC PARAMETERS block)
//   encrypted.pem                openssl pkcs8 -topk8 -v2 aes-256-cbc (PBES2), password 'test'
//   secp256k1_sec1_encrypted.pem openssl ec -aes256 (legacy Proc-Type encryption), password 'test'
//   prime256v1.pem, rsa.pem      unsupported key types
//   public_only.pem              openssl pkey -pubout
//   garbage.pem, empty.pem       malformed files
// Expected DER keys were printed by `openssl pkey -pubout -outform DER`, principals by Python
// (hashlib.sha224 + zlib.crc32 + base64.b32encode), independently of the code under test.
#include "ic/identity.hpp"

#include <gtest/gtest.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "ic/error.hpp"
#include "ic/sha256.hpp"

namespace {

namespace fs = std::filesystem;

template <auto Free>
struct Deleter {
    template <class T>
    void operator()(T* p) const {
        Free(p);
    }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, Deleter<EVP_PKEY_CTX_free>>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, Deleter<EVP_MD_CTX_free>>;
using EcdsaSigPtr = std::unique_ptr<ECDSA_SIG, Deleter<ECDSA_SIG_free>>;
using BnPtr = std::unique_ptr<BIGNUM, Deleter<BN_free>>;
// OPENSSL_free is a macro, so it cannot be a template argument.
struct OpensslFree {
    void operator()(unsigned char* p) const { OPENSSL_free(p); }
};

const fs::path data_dir = JUNO_TEST_DATA_DIR;

fs::path fixture(const std::string& name) { return data_dir / name; }

std::string read_text(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

constexpr const char* ed25519_der =
    "302a300506032b65700321004d7616a37450c3253efe039f68076d7ac01cf9ace8fe4f1628e18fc0605b4213";
constexpr const char* ed25519_principal =
    "uprsq-dl55m-kjmia-yciex-jixl7-yl646-niqwn-bo2qt-hijbz-2vvy3-jqe";

constexpr const char* secp256k1_der =
    "3056301006072a8648ce3d020106052b8104000a034200040da8ec51eb1ac7e9d99fb2cd64e1d43b47234883724630"
    "fb86cff827f2637d5465b44bde82ed52c886b09aa60040d0d7869c659f048a0d49df381a8dfc7a93f4";
constexpr const char* secp256k1_principal =
    "5qlmt-lgqiy-fxsba-dfnrg-pjccm-wumy4-puhua-whjhc-rycfi-6xmax-fqe";

// RFC 8032 §7.1 TEST 1: public key and the signature of the empty message.
constexpr const char* rfc8032_der =
    "302a300506032b6570032100d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
constexpr const char* rfc8032_empty_signature =
    "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b4"
    "6bd25bf5f0595bbe24655141438e7a100b";
constexpr const char* rfc8032_principal =
    "e73il-iz5tp-nkgt7-idxyw-ngkah-47bpv-qdase-pzde6-g6vwc-a3eql-jae";

constexpr const char* ed25519_spki_prefix = "302a300506032b6570032100";
constexpr const char* secp256k1_spki_prefix = "3056301006072a8648ce3d020106052b8104000a03420004";

// Shaped like what the agent signs: the domain separator and a 32-byte request id.
ic::Bytes message_number(int i) {
    ic::Bytes m = ic::to_bytes(
        "\x0a"
        "ic-request");
    ic::append(m, ic::sha256(ic::to_bytes(std::to_string(i))));
    return m;
}

PkeyPtr public_key_of(const ic::Identity& id) {
    const unsigned char* in = id.public_key_der().data();
    PkeyPtr key(d2i_PUBKEY(nullptr, &in, static_cast<long>(id.public_key_der().size())));
    EXPECT_TRUE(key) << "OpenSSL cannot parse the DER public key";
    return key;
}

bool ed25519_verifies(EVP_PKEY* key, ic::ByteView message, const ic::Bytes& signature) {
    MdCtxPtr ctx(EVP_MD_CTX_new());
    return EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key) == 1 &&
           EVP_DigestVerify(ctx.get(), signature.data(), signature.size(), message.data(),
                            message.size()) == 1;
}

BnPtr to_bn(ic::ByteView bytes) {
    return BnPtr(BN_bin2bn(bytes.data(), static_cast<int>(bytes.size()), nullptr));
}

// Rebuilds the DER ECDSA-Sig-Value from r || s and checks it against SHA-256(message), hashed
// here rather than by OpenSSL so the test pins down what was signed.
bool secp256k1_verifies(EVP_PKEY* key, ic::ByteView message, const ic::Bytes& signature) {
    if (signature.size() != 64) return false;
    EcdsaSigPtr sig(ECDSA_SIG_new());
    BnPtr r = to_bn(ic::ByteView(signature).first(32));
    BnPtr s = to_bn(ic::ByteView(signature).last(32));
    if (!sig || !r || !s || ECDSA_SIG_set0(sig.get(), r.get(), s.get()) != 1) return false;
    r.release();  // now owned by sig
    s.release();
    unsigned char* der = nullptr;
    int der_size = i2d_ECDSA_SIG(sig.get(), &der);
    if (der_size <= 0) return false;
    std::unique_ptr<unsigned char, OpensslFree> der_owner(der);
    ic::Hash digest = ic::sha256(message);
    PkeyCtxPtr ctx(EVP_PKEY_CTX_new(key, nullptr));
    return ctx && EVP_PKEY_verify_init(ctx.get()) == 1 &&
           EVP_PKEY_verify(ctx.get(), der, static_cast<std::size_t>(der_size), digest.data(),
                           digest.size()) == 1;
}

BnPtr secp256k1_half_order() {
    std::unique_ptr<EC_GROUP, Deleter<EC_GROUP_free>> group(
        EC_GROUP_new_by_curve_name(NID_secp256k1));
    BnPtr half(BN_dup(EC_GROUP_get0_order(group.get())));
    BN_rshift1(half.get(), half.get());
    return half;
}

// Catches the ic::Error a bad file must produce and returns its message.
std::string usage_error(const std::function<void()>& load) {
    try {
        load();
    } catch (const ic::Error& e) {
        EXPECT_EQ(e.kind(), ic::ErrorKind::Usage) << e.what();
        return e.what();
    }
    ADD_FAILURE() << "no ic::Error was thrown";
    return {};
}

std::string load_error(const std::string& name) {
    return usage_error([&] { ic::Identity::from_pem_file(fixture(name)); });
}

void expect_no_key_material(const std::string& message, const fs::path& file) {
    std::istringstream lines(read_text(file));
    for (std::string line; std::getline(lines, line);) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.size() < 8 || line.starts_with("-----") || line.find(':') != std::string::npos) {
            continue;
        }
        EXPECT_EQ(message.find(line), std::string::npos)
            << "message quotes the key file: " << message;
        EXPECT_EQ(message.find(line.substr(0, 8)), std::string::npos)
            << "message quotes the key file: " << message;
    }
}

void expect_contains(const std::string& text, const std::string& part) {
    EXPECT_NE(text.find(part), std::string::npos) << "'" << part << "' not in: " << text;
}

TEST(Identity, AnonymousHasNoKeyAndRefusesToSign) {
    auto id = ic::Identity::anonymous();
    EXPECT_TRUE(id.is_anonymous());
    EXPECT_EQ(id.algorithm(), ic::Identity::Algorithm::Anonymous);
    EXPECT_STREQ(id.algorithm_name(), "anonymous");
    EXPECT_EQ(id.sender().to_text(), "2vxsx-fae");
    EXPECT_TRUE(id.public_key_der().empty());
    std::string message = usage_error([&] { id.sign(ic::to_bytes("x")); });
    expect_contains(message, "identity");
}

TEST(Identity, LoadsEd25519Pkcs8) {
    auto id = ic::Identity::from_pem_file(fixture("ed25519.pem"));
    EXPECT_FALSE(id.is_anonymous());
    EXPECT_EQ(id.algorithm(), ic::Identity::Algorithm::Ed25519);
    EXPECT_STREQ(id.algorithm_name(), "Ed25519");
    EXPECT_EQ(ic::to_hex(id.public_key_der()), ed25519_der);
    EXPECT_EQ(id.public_key_der().size(), 44u);
    EXPECT_TRUE(ic::to_hex(id.public_key_der()).starts_with(ed25519_spki_prefix));
    EXPECT_EQ(id.sender(), ic::Principal::self_authenticating(id.public_key_der()));
    EXPECT_EQ(id.sender().to_text(), ed25519_principal);
}

TEST(Identity, Ed25519MatchesRfc8032KnownAnswer) {
    auto id = ic::Identity::from_pem_file(fixture("ed25519_rfc8032.pem"));
    EXPECT_EQ(ic::to_hex(id.public_key_der()), rfc8032_der);
    EXPECT_EQ(ic::to_hex(id.sign(ic::Bytes{})), rfc8032_empty_signature);
    EXPECT_EQ(id.sender().to_text(), rfc8032_principal);
}

TEST(Identity, LoadsOldDfxEd25519Layout) {
    auto id = ic::Identity::from_pem_file(fixture("ed25519_dfx_legacy.pem"));
    EXPECT_EQ(id.algorithm(), ic::Identity::Algorithm::Ed25519);
    EXPECT_EQ(ic::to_hex(id.public_key_der()), rfc8032_der);
    EXPECT_EQ(ic::to_hex(id.sign(ic::Bytes{})), rfc8032_empty_signature);
}

TEST(Identity, RejectsOldDfxLayoutWithMismatchedPublicKey) {
    // The legacy file with the last byte of its embedded public key changed.
    std::string pem = read_text(fixture("ed25519_dfx_legacy.pem"));
    auto at = pem.find("9wdRGg==");
    ASSERT_NE(at, std::string::npos);
    pem.replace(at, 8, "9wdRGw==");
    std::string message = usage_error([&] { ic::Identity::from_pem(pem, "old.pem"); });
    expect_contains(message, "'old.pem'");
    expect_contains(message, "does not match");
}

TEST(Identity, Ed25519SignaturesVerifyAndAreDeterministic) {
    auto id = ic::Identity::from_pem_file(fixture("ed25519.pem"));
    PkeyPtr key = public_key_of(id);
    ASSERT_TRUE(key);
    for (int i = 0; i < 20; ++i) {
        ic::Bytes message = message_number(i);
        ic::Bytes signature = id.sign(message);
        ASSERT_EQ(signature.size(), 64u);
        EXPECT_TRUE(ed25519_verifies(key.get(), message, signature)) << i;
        EXPECT_EQ(id.sign(message), signature) << "Ed25519 must be deterministic";
        message.back() ^= 1;
        EXPECT_FALSE(ed25519_verifies(key.get(), message, signature)) << i;
    }
}

class Secp256k1SameKey : public testing::TestWithParam<const char*> {};

// One key in every layout dfx, icp-cli and openssl produce: all must give the IC's DER form
// (named curve, uncompressed point) and the same principal.
TEST_P(Secp256k1SameKey, GivesUncompressedNamedCurveDer) {
    auto id = ic::Identity::from_pem_file(fixture(GetParam()));
    EXPECT_EQ(id.algorithm(), ic::Identity::Algorithm::Secp256k1);
    EXPECT_STREQ(id.algorithm_name(), "secp256k1");
    EXPECT_EQ(ic::to_hex(id.public_key_der()), secp256k1_der);
    EXPECT_EQ(id.public_key_der().size(), 88u);
    EXPECT_TRUE(ic::to_hex(id.public_key_der()).starts_with(secp256k1_spki_prefix));
    EXPECT_EQ(id.sender(), ic::Principal::self_authenticating(id.public_key_der()));
    EXPECT_EQ(id.sender().to_text(), secp256k1_principal);
    PkeyPtr key = public_key_of(id);
    ASSERT_TRUE(key);
    ic::Bytes message = message_number(7);
    EXPECT_TRUE(secp256k1_verifies(key.get(), message, id.sign(message)));
}

INSTANTIATE_TEST_SUITE_P(Layouts, Secp256k1SameKey,
                         testing::Values("secp256k1_sec1.pem", "secp256k1_sec1_crlf.pem",
                                         "secp256k1_pkcs8.pem", "secp256k1_sec1_compressed.pem",
                                         "secp256k1_sec1_no_public.pem", "secp256k1_explicit.pem"));

TEST(Identity, CrlfFixtureReallyHasCrlf) {
    // Guards the fixture: an editor or git setting that normalised it would void the CRLF test.
    std::string text = read_text(fixture("secp256k1_sec1_crlf.pem"));
    EXPECT_NE(text.find("-----\r\n"), std::string::npos);
}

TEST(Identity, LoadsSec1AfterEcParametersBlock) {
    std::string pem = read_text(fixture("secp256k1_sec1_params.pem"));
    ASSERT_TRUE(pem.starts_with("-----BEGIN EC PARAMETERS-----"));
    auto id = ic::Identity::from_pem(pem, "params.pem");
    EXPECT_EQ(id.algorithm(), ic::Identity::Algorithm::Secp256k1);
    EXPECT_EQ(ic::to_hex(id.public_key_der()),
              "3056301006072a8648ce3d020106052b8104000a03420004dbc5962c71064f4641b219f9b82a02a2"
              "5ddf5bbb1d4c6cc5b01d7289f9019ccfe93726a29bf93437a1b54ff212a6da18cdbe1db380c963a9"
              "f4a964556d70b940");
    EXPECT_EQ(id.sender().to_text(),
              "ux55s-s7di7-bnkr5-jigoh-tqi3n-a3wr5-uxd5r-2a5la-l3uel-d4ayb-jqe");
}

TEST(Identity, MatchesAgentRsSecp256k1Vector) {
    // Key, DER and principal from agent-rs identity/secp256k1.rs tests (ic-protocol.md §3).
    const char* pem =
        "-----BEGIN EC PARAMETERS-----\n"
        "BgUrgQQACg==\n"
        "-----END EC PARAMETERS-----\n"
        "-----BEGIN EC PRIVATE KEY-----\n"
        "MHQCAQEEIAgy7nZEcVHkQ4Z1Kdqby8SwyAiyKDQmtbEHTIM+WNeBoAcGBSuBBAAK\n"
        "oUQDQgAEgO87rJ1ozzdMvJyZQ+GABDqUxGLvgnAnTlcInV3NuhuPv4O3VGzMGzeB\n"
        "N3d26cRxD99TPtm8uo2OuzKhSiq6EQ==\n"
        "-----END EC PRIVATE KEY-----\n";
    const char* der =
        "3056301006072a8648ce3d020106052b8104000a0342000480ef3bac9d68cf374cbc9c9943e180043a94c4"
        "62ef8270274e57089d5dcdba1b8fbf83b7546ccc1b3781377776e9c4710fdf533ed9bcba8d8ebb32a14a2a"
        "ba11";
    const char* principal = "t2kpu-6xt6l-tyb3d-rll2p-irv5c-no5nd-h6spj-jsetq-bmqdz-iap77-pqe";
    auto id = ic::Identity::from_pem(pem, "agent-rs");
    EXPECT_EQ(ic::to_hex(id.public_key_der()), der);
    EXPECT_EQ(id.sender().to_text(), principal);
    EXPECT_EQ(ic::Principal::self_authenticating(ic::from_hex(der)).to_text(), principal);
}

TEST(Identity, Secp256k1SignaturesVerifyWithLowS) {
    auto id = ic::Identity::from_pem_file(fixture("secp256k1_sec1.pem"));
    PkeyPtr key = public_key_of(id);
    ASSERT_TRUE(key);
    BnPtr half = secp256k1_half_order();
    // Half of raw ECDSA signatures have a high S, so 200 would all be low by chance with
    // probability 2^-200: passing means the normalisation ran.
    for (int i = 0; i < 200; ++i) {
        ic::Bytes message = message_number(i);
        ic::Bytes signature = id.sign(message);
        ASSERT_EQ(signature.size(), 64u);
        EXPECT_TRUE(secp256k1_verifies(key.get(), message, signature)) << i;
        BnPtr s = to_bn(ic::ByteView(signature).last(32));
        EXPECT_LE(BN_cmp(s.get(), half.get()), 0) << "high S in signature " << i;
        message.back() ^= 1;
        EXPECT_FALSE(secp256k1_verifies(key.get(), message, signature)) << i;
    }
}

TEST(Identity, Secp256k1PadsShortRAndS) {
    // About 1 in 256 signatures has an r (or an s) below 2^248; OpenSSL's DER drops the leading
    // zero byte, and the compact form must put it back. Sign until both cases were seen (6000
    // tries miss one with probability below 1e-10).
    auto id = ic::Identity::from_pem_file(fixture("secp256k1_sec1.pem"));
    PkeyPtr key = public_key_of(id);
    ASSERT_TRUE(key);
    bool short_r = false;
    bool short_s = false;
    for (int i = 0; i < 6000 && !(short_r && short_s); ++i) {
        ic::Bytes message = message_number(i);
        ic::Bytes signature = id.sign(message);
        ASSERT_EQ(signature.size(), 64u);
        ASSERT_TRUE(secp256k1_verifies(key.get(), message, signature)) << i;
        short_r = short_r || signature[0] == 0;
        short_s = short_s || signature[32] == 0;
    }
    EXPECT_TRUE(short_r);
    EXPECT_TRUE(short_s);
}

TEST(Identity, CopiesShareTheKey) {
    auto original = ic::Identity::from_pem_file(fixture("ed25519.pem"));
    ic::Identity copy = original;
    ic::Identity moved = std::move(original);
    EXPECT_EQ(copy.sign(ic::to_bytes("m")), moved.sign(ic::to_bytes("m")));
    EXPECT_EQ(copy.sender(), moved.sender());
}

TEST(Identity, EncryptedKeysAskForDecryptionNotAPassword) {
    // A prompt would block here (or fail differently without a terminal); the message proves the
    // refusing callback ran.
    for (const char* name : {"encrypted.pem", "secp256k1_sec1_encrypted.pem"}) {
        std::string message = load_error(name);
        expect_contains(message, fixture(name).string());
        expect_contains(message, "encrypted");
        expect_contains(message, "openssl pkey -in");
        expect_no_key_material(message, fixture(name));
    }
}

TEST(Identity, RejectsUnsupportedKeyTypes) {
    std::string p256 = load_error("prime256v1.pem");
    expect_contains(p256, fixture("prime256v1.pem").string());
    expect_contains(p256, "prime256v1");
    expect_contains(p256, "Ed25519 and secp256k1");
    expect_no_key_material(p256, fixture("prime256v1.pem"));

    std::string rsa = load_error("rsa.pem");
    expect_contains(rsa, fixture("rsa.pem").string());
    expect_contains(rsa, "RSA");
    expect_contains(rsa, "Ed25519 and secp256k1");
    expect_no_key_material(rsa, fixture("rsa.pem"));
}

TEST(Identity, RejectsFilesWithoutAPrivateKey) {
    struct Case {
        const char* file;
        const char* says;
    };
    for (const Case& c : {Case{"empty.pem", "empty"}, Case{"garbage.pem", "PEM private key"},
                          Case{"public_only.pem", "no private key"}}) {
        std::string message = load_error(c.file);
        expect_contains(message, fixture(c.file).string());
        expect_contains(message, c.says);
        expect_no_key_material(message, fixture(c.file));
    }
}

TEST(Identity, RejectsMissingFilesAndDirectories) {
    std::string missing =
        usage_error([] { ic::Identity::from_pem_file(fixture("no-such-identity.pem")); });
    expect_contains(missing, fixture("no-such-identity.pem").string());
    expect_contains(missing, "does not exist");

    std::string directory = usage_error([] { ic::Identity::from_pem_file(data_dir); });
    expect_contains(directory, data_dir.string());
}

TEST(Identity, FromPemNamesItsSource) {
    expect_contains(usage_error([] { ic::Identity::from_pem(" \r\n\t", "inline.pem"); }),
                    "'inline.pem' is empty");
    // dfx's encrypted identities are not PEM at all: point at `dfx identity export`.
    expect_contains(
        usage_error([] { ic::Identity::from_pem("Salted__\x01\x02", "x/identity.pem.encrypted"); }),
        "dfx identity export");
}

TEST(Identity, FailuresLeaveNoOpenSslErrorsBehind) {
    ERR_clear_error();
    for (const char* name : {"garbage.pem", "rsa.pem", "encrypted.pem", "prime256v1.pem"}) {
        EXPECT_THROW(ic::Identity::from_pem_file(fixture(name)), ic::Error);
        EXPECT_EQ(ERR_peek_error(), 0u) << name;
    }
    ic::Identity::from_pem_file(fixture("secp256k1_sec1_params.pem"));
    EXPECT_EQ(ERR_peek_error(), 0u);
}

}  // namespace
