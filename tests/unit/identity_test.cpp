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
//   prime256v1.pem               openssl ecparam -name prime256v1 -genkey -noout (SEC1 P-256)
//   secp384r1.pem, rsa.pem       unsupported key types
// Made by DFINITY's real `icp` 1.5.0 (ICP_HOME=<scratch>, DO_NOT_TRACK=1):
//   icp_secp256k1.pem            icp identity new icp-secp256k1 --storage plaintext;
//                                icp identity export icp-secp256k1 (PKCS#8)
//   icp_ed25519.pem              icp identity import icp-ed25519 --from-seed-file <seed>
//                                --seed-curve ed25519 --storage plaintext; icp identity export
//                                (PKCS#8 v2: OneAsymmetricKey with the public key attached)
//   icp_prime256v1.pem           the same with --seed-curve prime256v1 (PKCS#8)
// dfx-style files, made with openssl as dfx writes them:
//   dfx_ed25519.pem              openssl genpkey -algorithm ed25519 (PKCS#8 v1, older dfx)
//   dfx_secp256k1.pem            openssl ecparam -name secp256k1 -genkey -noout, CRLF line ends
//                                (SEC1 "EC PRIVATE KEY", as `dfx identity new` writes)
//   dfx_secp256k1_params.pem     openssl ecparam -name secp256k1 -genkey (with EC PARAMETERS)
// The principals in IcpMadeAndDfxStyleKeys were printed by `icp identity principal` after
// `icp identity import <name> --from-pem <file> --storage plaintext` of each file.
//   public_only.pem              openssl pkey -pubout
//   garbage.pem, empty.pem       malformed files
// Expected DER keys were printed by `openssl pkey -pubout -outform DER`, principals by Python
// (hashlib.sha224 + zlib.crc32 + base64.b32encode), independently of the code under test.
#include "ic/identity.hpp"

#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
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
constexpr const char* prime256v1_spki_prefix =
    "3059301306072a8648ce3d020106082a8648ce3d03010703420004";

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
bool ecdsa_verifies(EVP_PKEY* key, ic::ByteView message, const ic::Bytes& signature) {
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

BnPtr half_order(int curve_nid) {
    std::unique_ptr<EC_GROUP, Deleter<EC_GROUP_free>> group(EC_GROUP_new_by_curve_name(curve_nid));
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
    EXPECT_TRUE(ecdsa_verifies(key.get(), message, id.sign(message)));
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

// Signs `count` messages with `id` (an ECDSA key on `curve`): each signature is 64 bytes, verifies
// with the key's public half, has a low S, and does not verify for another message. Half of raw
// ECDSA signatures have a high S, so `count` would all be low by chance with probability
// 2^-count: passing means the normalisation ran.
void expect_low_s_signatures(const ic::Identity& id, int curve, int count) {
    PkeyPtr key = public_key_of(id);
    ASSERT_TRUE(key);
    BnPtr half = half_order(curve);
    for (int i = 0; i < count; ++i) {
        ic::Bytes message = message_number(i);
        ic::Bytes signature = id.sign(message);
        ASSERT_EQ(signature.size(), 64u);
        EXPECT_TRUE(ecdsa_verifies(key.get(), message, signature)) << i;
        BnPtr s = to_bn(ic::ByteView(signature).last(32));
        EXPECT_LE(BN_cmp(s.get(), half.get()), 0) << "high S in signature " << i;
        message.back() ^= 1;
        EXPECT_FALSE(ecdsa_verifies(key.get(), message, signature)) << i;
    }
}

TEST(Identity, Secp256k1SignaturesVerifyWithLowS) {
    expect_low_s_signatures(ic::Identity::from_pem_file(fixture("secp256k1_sec1.pem")),
                            NID_secp256k1, 200);
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
        ASSERT_TRUE(ecdsa_verifies(key.get(), message, signature)) << i;
        short_r = short_r || signature[0] == 0;
        short_s = short_s || signature[32] == 0;
    }
    EXPECT_TRUE(short_r);
    EXPECT_TRUE(short_s);
}

struct MadeKey {
    const char* file;
    ic::Identity::Algorithm algorithm;
    const char* principal;  // as `icp identity principal` printed it
};

void PrintTo(const MadeKey& key, std::ostream* os) { *os << key.file; }

class IcpMadeAndDfxStyleKeys : public testing::TestWithParam<MadeKey> {};

// Every key gives icp's own principal, and its signatures verify against the DER it sends.
TEST_P(IcpMadeAndDfxStyleKeys, GiveIcpsPrincipalAndVerifiableSignatures) {
    const MadeKey& key = GetParam();
    auto id = ic::Identity::from_pem_file(fixture(key.file));
    EXPECT_EQ(id.algorithm(), key.algorithm);
    EXPECT_EQ(id.sender().to_text(), key.principal);
    EXPECT_EQ(id.sender(), ic::Principal::self_authenticating(id.public_key_der()));
    EXPECT_EQ(id.origin(), "file " + fixture(key.file).string());
    const std::string der = ic::to_hex(id.public_key_der());
    switch (key.algorithm) {
        case ic::Identity::Algorithm::Ed25519:
            EXPECT_TRUE(der.starts_with(ed25519_spki_prefix));
            EXPECT_EQ(id.public_key_der().size(), 44u);
            break;
        case ic::Identity::Algorithm::Secp256k1:
            EXPECT_TRUE(der.starts_with(secp256k1_spki_prefix));
            EXPECT_EQ(id.public_key_der().size(), 88u);
            break;
        default:
            EXPECT_TRUE(der.starts_with(prime256v1_spki_prefix));
            EXPECT_EQ(id.public_key_der().size(), 91u);
            break;
    }
    PkeyPtr public_key = public_key_of(id);
    ASSERT_TRUE(public_key);
    for (int i = 0; i < 5; ++i) {
        ic::Bytes message = message_number(i);
        ic::Bytes signature = id.sign(message);
        ASSERT_EQ(signature.size(), 64u);
        bool ok = key.algorithm == ic::Identity::Algorithm::Ed25519
                      ? ed25519_verifies(public_key.get(), message, signature)
                      : ecdsa_verifies(public_key.get(), message, signature);
        EXPECT_TRUE(ok) << i;
        message.back() ^= 1;
        ok = key.algorithm == ic::Identity::Algorithm::Ed25519
                 ? ed25519_verifies(public_key.get(), message, signature)
                 : ecdsa_verifies(public_key.get(), message, signature);
        EXPECT_FALSE(ok) << i;
    }
}

INSTANTIATE_TEST_SUITE_P(
    Files, IcpMadeAndDfxStyleKeys,
    testing::Values(
        MadeKey{"icp_ed25519.pem", ic::Identity::Algorithm::Ed25519,
                "ejoln-ycdwx-dcfdj-v3r2x-52y3f-tnptj-5z5g2-w7edt-t23n7-mwqmw-jae"},
        MadeKey{"icp_secp256k1.pem", ic::Identity::Algorithm::Secp256k1,
                "qtt3t-qfgs5-5b2h6-6n34b-5vssp-zq7s3-rfybb-spmdx-nknzz-pkx5b-qqe"},
        MadeKey{"icp_prime256v1.pem", ic::Identity::Algorithm::Prime256v1,
                "nliq2-jc2vn-h7vg6-storr-q2fbq-4bugr-7pqvu-xmjr2-s7m45-654sp-wae"},
        MadeKey{"dfx_ed25519.pem", ic::Identity::Algorithm::Ed25519,
                "6im66-nwwmn-lo2ga-cp2h5-xmz72-otxsk-ajq5p-ia2ma-kfnta-4mebw-yae"},
        MadeKey{"dfx_secp256k1.pem", ic::Identity::Algorithm::Secp256k1,
                "qlm5x-4n3pu-qne57-e67qi-dquxs-xzbii-s6y6m-bgdew-qin7r-tgz4s-mae"},
        MadeKey{"dfx_secp256k1_params.pem", ic::Identity::Algorithm::Secp256k1,
                "w3ugu-ysmms-ng6ln-vvlzf-th7qp-r6efl-oxtre-wmnvn-oamdz-tlg7l-6qe"},
        MadeKey{"prime256v1.pem", ic::Identity::Algorithm::Prime256v1,
                "jtppo-rqgxm-xtxiu-5rufz-7qu44-qcm3h-ql6kp-i6hwv-baq7t-cn3hg-tae"},
        // Older fixtures, whose principals icp confirms as well.
        MadeKey{"ed25519.pem", ic::Identity::Algorithm::Ed25519, ed25519_principal},
        MadeKey{"ed25519_dfx_legacy.pem", ic::Identity::Algorithm::Ed25519, rfc8032_principal},
        MadeKey{"secp256k1_sec1.pem", ic::Identity::Algorithm::Secp256k1, secp256k1_principal}));

TEST(Identity, IcpEd25519ExportIsPkcs8V2) {
    // Guards the fixture: OpenSSL 3.0 alone must not read it, or the test above proves nothing
    // about the v2 path.
    std::string pem = read_text(fixture("icp_ed25519.pem"));
    std::unique_ptr<BIO, Deleter<BIO_free_all>> bio(
        BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    PkeyPtr direct(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
    ERR_clear_error();
    EXPECT_FALSE(direct) << "OpenSSL reads PKCS#8 v2 by itself now";
    EXPECT_NE(pem.find("MFECAQEw"), std::string::npos) << "not version 1 (v2) with 0x51 bytes";
}

// The icp_ed25519.pem DER with one byte of the attached public key changed.
std::string icp_ed25519_with_wrong_public_key() {
    std::string pem = read_text(fixture("icp_ed25519.pem"));
    std::istringstream lines(pem);
    std::string body;
    for (std::string line; std::getline(lines, line);) {
        if (!line.starts_with("-----")) body += line;
    }
    std::vector<unsigned char> der(body.size());
    int size = EVP_DecodeBlock(der.data(), reinterpret_cast<const unsigned char*>(body.data()),
                               static_cast<int>(body.size()));
    EXPECT_EQ(size, 84);  // 83 bytes and one '=' of padding decoded as zero
    der.resize(83);
    der[82] ^= 0x01;
    std::string encoded(4 * ((der.size() + 2) / 3) + 1, '\0');
    int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(encoded.data()), der.data(),
                                  static_cast<int>(der.size()));
    encoded.resize(static_cast<std::size_t>(written));
    return "-----BEGIN PRIVATE KEY-----\n" + encoded + "\n-----END PRIVATE KEY-----\n";
}

TEST(Identity, RefusesPkcs8V2WhosePublicKeyDoesNotMatch) {
    std::string pem = icp_ed25519_with_wrong_public_key();
    std::string message = usage_error([&] { ic::Identity::from_pem(pem, "edited.pem"); });
    expect_contains(message, "'edited.pem'");
    expect_contains(message, "attached public key does not match");
    expect_contains(message, "icp identity export");
    std::istringstream lines(pem);
    for (std::string line; std::getline(lines, line);) {
        if (!line.starts_with("-----")) {
            EXPECT_EQ(message.find(line.substr(0, 8)), std::string::npos) << message;
        }
    }
}

TEST(Identity, RefusesMalformedPkcs8V2) {
    // Truncated, trailing bytes, and a wrong algorithm OID: all "not readable", none accepted.
    for (const char* body : {
             // 83-byte icp key cut after the seed's header
             "MFECAQEwBQYDK2VwBCIEIA==",
             // version 2 (not 0 or 1)
             "MFECAQIwBQYDK2VwBCIEIDCUL/fHOJchYdoyQc9uZI/"
             "I1bwRXwu0wzrYv2Lk7y5hgSEAc+BnCfmAFfrmCdmNzhG"
             "3mKtxiHKuT8fKo/hAOQ7D9Xg=",
             // OID 1.3.101.113 (Ed448)
             "MFECAQEwBQYDK2VxBCIEIDCUL/fHOJchYdoyQc9uZI/"
             "I1bwRXwu0wzrYv2Lk7y5hgSEAc+BnCfmAFfrmCdmNzhG"
             "3mKtxiHKuT8fKo/hAOQ7D9Xg=",
         }) {
        std::string pem =
            std::string("-----BEGIN PRIVATE KEY-----\n") + body + "\n-----END PRIVATE KEY-----\n";
        std::string message = usage_error([&] { ic::Identity::from_pem(pem, "bad.pem"); });
        expect_contains(message, "'bad.pem'");
    }
}

TEST(Identity, Prime256v1SignaturesVerifyWithLowS) {
    auto id = ic::Identity::from_pem_file(fixture("icp_prime256v1.pem"));
    EXPECT_STREQ(id.algorithm_name(), "prime256v1");
    expect_low_s_signatures(id, NID_X9_62_prime256v1, 100);
}

TEST(Identity, Ed25519FromSeedChecksThePublicKey) {
    // RFC 8032 §7.1 TEST 1.
    ic::Bytes seed =
        ic::from_hex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
    ic::Bytes public_key =
        ic::from_hex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
    auto id = ic::Identity::from_ed25519_seed(seed, public_key, "the token");
    EXPECT_EQ(ic::to_hex(id.public_key_der()), rfc8032_der);
    EXPECT_EQ(ic::to_hex(id.sign(ic::Bytes{})), rfc8032_empty_signature);
    EXPECT_EQ(ic::Identity::from_ed25519_seed(seed, {}, "x").sender(), id.sender());

    public_key[0] ^= 1;
    std::string message =
        usage_error([&] { ic::Identity::from_ed25519_seed(seed, public_key, "the token"); });
    expect_contains(message, "the token holds an Ed25519 key whose public key does not match");
    EXPECT_EQ(message.find("9d61b1"), std::string::npos);
    expect_contains(usage_error([&] {
                        ic::Identity::from_ed25519_seed(ic::ByteView(seed).first(31), {}, "t");
                    }),
                    "32-byte");
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
    std::string p384 = load_error("secp384r1.pem");
    expect_contains(p384, fixture("secp384r1.pem").string());
    expect_contains(p384, "secp384r1");
    expect_contains(p384, "Ed25519, secp256k1 and P-256 (prime256v1)");
    expect_no_key_material(p384, fixture("secp384r1.pem"));

    std::string rsa = load_error("rsa.pem");
    expect_contains(rsa, fixture("rsa.pem").string());
    expect_contains(rsa, "RSA");
    expect_contains(rsa, "Ed25519, secp256k1 and P-256 (prime256v1)");
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
    for (const char* name : {"garbage.pem", "rsa.pem", "encrypted.pem", "secp384r1.pem"}) {
        EXPECT_THROW(ic::Identity::from_pem_file(fixture(name)), ic::Error);
        EXPECT_EQ(ERR_peek_error(), 0u) << name;
    }
    ic::Identity::from_pem_file(fixture("secp256k1_sec1_params.pem"));
    EXPECT_EQ(ERR_peek_error(), 0u);
}

}  // namespace
