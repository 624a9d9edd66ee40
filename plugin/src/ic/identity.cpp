#include "ic/identity.hpp"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <fstream>
#include <system_error>

#include "ic/ed25519_pkcs8.hpp"
#include "ic/error.hpp"

namespace ic {

namespace {

template <auto Free>
struct Deleter {
    template <class T>
    void operator()(T* p) const {
        Free(p);
    }
};
using BioPtr = std::unique_ptr<BIO, Deleter<BIO_free>>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, Deleter<EVP_MD_CTX_free>>;
using EcdsaSigPtr = std::unique_ptr<ECDSA_SIG, Deleter<ECDSA_SIG_free>>;
using BnPtr = std::unique_ptr<BIGNUM, Deleter<BN_free>>;
using EcGroupPtr = std::unique_ptr<EC_GROUP, Deleter<EC_GROUP_free>>;

// OPENSSL_free is a macro, and a decoded key must be wiped before its memory is released.
struct SecretFree {
    std::size_t size = 0;
    void operator()(unsigned char* p) const { OPENSSL_clear_free(p, size); }
};
struct OpensslFree {
    void operator()(char* p) const { OPENSSL_free(p); }
};

// Real PEM keys are a few hundred bytes; the cap keeps a wrong path (a Wasm file, a log) from
// being read whole into memory.
constexpr std::size_t max_pem_size = 64 * 1024;

// The SubjectPublicKeyInfo prefixes the IC accepts (RFC 8410; RFC 5480 with the secp256k1 OID
// and an uncompressed point). Anything else would be rejected by the replica, so it is caught
// here with a clearer message.
constexpr std::array<std::uint8_t, 12> ed25519_spki_prefix = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03,
                                                              0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};
constexpr std::size_t ed25519_spki_size = 44;
constexpr std::array<std::uint8_t, 24> secp256k1_spki_prefix = {
    0x30, 0x56, 0x30, 0x10, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02,
    0x01, 0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x0a, 0x03, 0x42, 0x00, 0x04};
constexpr std::size_t secp256k1_spki_size = 88;
// The same with the P-256 OID (1.2.840.10045.3.1.7), as agent-rs and @icp-sdk/core send it.
constexpr std::array<std::uint8_t, 27> prime256v1_spki_prefix = {
    0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06,
    0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00, 0x04};
constexpr std::size_t prime256v1_spki_size = 91;

[[noreturn]] void bad_identity(const std::string& source, const std::string& why) {
    // Failed decoders leave entries on OpenSSL's thread-local error queue; later, unrelated
    // OpenSSL calls (TLS in the transport) would otherwise report them as their own.
    ERR_clear_error();
    fail(ErrorKind::Usage, "identity file '" + source + "' " + why);
}

[[noreturn]] void unsupported(const std::string& source, const std::string& what) {
    bad_identity(source, "holds " + what +
                             "; juno-helper supports Ed25519, secp256k1 and P-256 (prime256v1) "
                             "keys (the kinds dfx and icp-cli create)");
}

// Without a callback OpenSSL prompts on the terminal, which would hang a build step (or read
// from a pipe CMake owns). The callback only records that a password was wanted and declines.
int refuse_password(char* /*buf*/, int /*size*/, int /*rwflag*/, void* asked) {
    *static_cast<bool*>(asked) = true;
    return -1;
}

BioPtr memory_bio(std::string_view pem) {
    BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    if (!bio) fail(ErrorKind::Protocol, "OpenSSL could not allocate a buffer");
    return bio;
}

// The Ed25519 key of `seed`; when `expected_public` is given (32 bytes), it must be the seed's
// public key, else `mismatch` is called (and must throw).
template <class Mismatch>
PkeyPtr ed25519_key(ByteView seed, ByteView expected_public, Mismatch mismatch) {
    PkeyPtr key(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, seed.data(), seed.size()));
    if (!key) {
        ERR_clear_error();
        fail(ErrorKind::Protocol, "OpenSSL could not load an Ed25519 key");
    }
    if (expected_public.empty()) return key;
    std::array<unsigned char, 32> derived{};
    std::size_t derived_size = derived.size();
    if (EVP_PKEY_get_raw_public_key(key.get(), derived.data(), &derived_size) != 1 ||
        expected_public.size() != derived.size() ||
        !std::equal(derived.begin(), derived.end(), expected_public.begin())) {
        ERR_clear_error();
        mismatch();
    }
    return key;
}

// PEM_read_bio_PrivateKey in OpenSSL 3.0 refuses PKCS#8 keys that carry their public key
// (RFC 5958 v2, as `icp identity export` writes Ed25519 keys, and the non-conforming layout of
// very old dfx). Those are read here: the seed gives the key, and the attached public key must
// then be the seed's.
PkeyPtr read_ed25519_with_public_key(std::string_view pem, const std::string& source) {
    BioPtr bio = memory_bio(pem);
    unsigned char* raw = nullptr;
    char* raw_name = nullptr;
    long raw_size = 0;
    bool asked = false;
    if (PEM_bytes_read_bio(&raw, &raw_size, &raw_name, PEM_STRING_PKCS8INF, bio.get(),
                           refuse_password, &asked) != 1) {
        return nullptr;
    }
    std::unique_ptr<char, OpensslFree> name_owner(raw_name);
    std::unique_ptr<unsigned char, SecretFree> der(raw,
                                                   SecretFree{static_cast<std::size_t>(raw_size)});
    Ed25519KeyPair pair;
    if (!parse_ed25519_one_asymmetric_key(ByteView(raw, der.get_deleter().size), pair)) {
        return nullptr;
    }
    return ed25519_key(pair.seed, pair.public_key, [&] {
        bad_identity(source,
                     "holds an Ed25519 key whose attached public key does not match its private "
                     "key; the file is damaged or was edited. Export the identity again (`icp "
                     "identity export <name>` or `dfx identity export <name>`)");
    });
}

PkeyPtr read_private_key(std::string_view pem, const std::string& source) {
    bool password_asked = false;
    BioPtr bio = memory_bio(pem);
    PkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, refuse_password, &password_asked));
    if (key) return key;
    if (password_asked) {
        bad_identity(source,
                     "is encrypted, and juno-helper never asks for a password (it runs inside "
                     "builds). Decrypt it to a file only you can read, e.g. `openssl pkey -in '" +
                         source +
                         "' -out plain.pem` (it asks for the password), and use that file");
    }
    if (PkeyPtr attached = read_ed25519_with_public_key(pem, source)) return attached;
    if (source.ends_with(".encrypted")) {
        bad_identity(source,
                     "is not a PEM key (dfx encrypts keys in its own format); export it "
                     "with `dfx identity export <name> > plain.pem` and use that file");
    }
    if (pem.find("-----BEGIN PUBLIC KEY-----") != std::string_view::npos ||
        pem.find("-----BEGIN CERTIFICATE-----") != std::string_view::npos) {
        bad_identity(source,
                     "holds no private key (only a public key or certificate); signing "
                     "needs the private key");
    }
    bad_identity(source,
                 "does not hold a readable PEM private key: expected a '-----BEGIN PRIVATE "
                 "KEY-----' or '-----BEGIN EC PRIVATE KEY-----' block, as dfx and icp-cli write");
}

Identity::Algorithm classify(EVP_PKEY* key, const std::string& source) {
    // EVP_PKEY_is_a works for provider-managed keys too, where EVP_PKEY_get_id may not.
    if (EVP_PKEY_is_a(key, "ED25519")) return Identity::Algorithm::Ed25519;
    if (!EVP_PKEY_is_a(key, "EC")) {
        const char* type = EVP_PKEY_get0_type_name(key);
        unsupported(source, std::string("a key of type ") + (type ? type : "unknown"));
    }
    std::array<char, 80> curve{};
    std::size_t curve_size = 0;
    if (EVP_PKEY_get_group_name(key, curve.data(), curve.size(), &curve_size) != 1 ||
        curve_size == 0) {
        unsupported(source, "an EC key with explicit curve parameters instead of a named curve");
    }
    switch (OBJ_sn2nid(curve.data())) {
        case NID_secp256k1:
            return Identity::Algorithm::Secp256k1;
        case NID_X9_62_prime256v1:
            return Identity::Algorithm::Prime256v1;
        default:
            unsupported(source, std::string("an EC key on curve ") + curve.data());
    }
}

Bytes encode_public_key(EVP_PKEY* key, Identity::Algorithm algorithm, const std::string& source) {
    if (algorithm != Identity::Algorithm::Ed25519) {
        // OpenSSL keeps the point form of the file it read: a SEC1 key stored compressed would
        // be written compressed, which the IC rejects. Force the form the IC accepts.
        auto set = [key](const char* name, const char* value) {
            return EVP_PKEY_set_utf8_string_param(key, name, value) == 1;
        };
        if (!set(OSSL_PKEY_PARAM_EC_POINT_CONVERSION_FORMAT,
                 OSSL_PKEY_EC_POINT_CONVERSION_FORMAT_UNCOMPRESSED) ||
            !set(OSSL_PKEY_PARAM_EC_ENCODING, OSSL_PKEY_EC_ENCODING_GROUP)) {
            bad_identity(source, "holds an EC key OpenSSL cannot re-encode");
        }
    }
    int size = i2d_PUBKEY(key, nullptr);
    Bytes der(size > 0 ? static_cast<std::size_t>(size) : 0);
    unsigned char* out = der.data();
    if (size <= 0 || i2d_PUBKEY(key, &out) != size) {
        bad_identity(source, "holds a key whose public key OpenSSL cannot encode");
    }
    ByteView prefix = ed25519_spki_prefix;
    std::size_t expected_size = ed25519_spki_size;
    if (algorithm == Identity::Algorithm::Secp256k1) {
        prefix = secp256k1_spki_prefix;
        expected_size = secp256k1_spki_size;
    } else if (algorithm == Identity::Algorithm::Prime256v1) {
        prefix = prime256v1_spki_prefix;
        expected_size = prime256v1_spki_size;
    }
    if (der.size() != expected_size || !std::equal(prefix.begin(), prefix.end(), der.begin())) {
        bad_identity(source, "holds a key whose public key is not in the form the IC expects");
    }
    return der;
}

[[noreturn]] void signing_failed() {
    ERR_clear_error();
    fail(ErrorKind::Protocol, "OpenSSL could not sign the request");
}

// ECDSA signatures are malleable: (r, n - s) verifies as well as (r, s). The IC accepts both,
// but the canonical low-S form is what other agents send and what stricter verifiers require.
struct CurveOrder {
    EcGroupPtr group;
    BnPtr half;
};

CurveOrder make_order(int nid) {
    CurveOrder o;
    o.group.reset(EC_GROUP_new_by_curve_name(nid));
    if (o.group) o.half.reset(BN_dup(EC_GROUP_get0_order(o.group.get())));
    if (!o.half || BN_rshift1(o.half.get(), o.half.get()) != 1) signing_failed();
    return o;
}

const CurveOrder& order_of(Identity::Algorithm algorithm) {
    static const CurveOrder secp256k1 = make_order(NID_secp256k1);
    static const CurveOrder prime256v1 = make_order(NID_X9_62_prime256v1);
    return algorithm == Identity::Algorithm::Secp256k1 ? secp256k1 : prime256v1;
}

// The IC wants r || s as two 32-byte big-endian numbers, not OpenSSL's DER ECDSA-Sig-Value.
Bytes compact_low_s(const Bytes& der_signature, const CurveOrder& order) {
    const unsigned char* in = der_signature.data();
    EcdsaSigPtr sig(d2i_ECDSA_SIG(nullptr, &in, static_cast<long>(der_signature.size())));
    if (!sig) signing_failed();
    const BIGNUM* r = nullptr;
    const BIGNUM* s = nullptr;
    ECDSA_SIG_get0(sig.get(), &r, &s);

    BnPtr low_s(BN_dup(s));
    if (!low_s) signing_failed();
    if (BN_cmp(s, order.half.get()) > 0 &&
        BN_sub(low_s.get(), EC_GROUP_get0_order(order.group.get()), s) != 1) {
        signing_failed();
    }
    Bytes out(64);
    if (BN_bn2binpad(r, out.data(), 32) != 32 ||
        BN_bn2binpad(low_s.get(), out.data() + 32, 32) != 32) {
        signing_failed();
    }
    return out;
}

}  // namespace

Identity Identity::anonymous() { return Identity(); }

Identity Identity::from_pem_file(const std::filesystem::path& path) {
    const std::string source = path.string();
    std::error_code ec;
    const auto status = std::filesystem::status(path, ec);
    if (!std::filesystem::exists(status)) bad_identity(source, "does not exist");
    if (std::filesystem::is_directory(status)) bad_identity(source, "is a directory");
    if (std::filesystem::is_regular_file(status)) {
        const auto size = std::filesystem::file_size(path, ec);
        if (!ec && size > max_pem_size) bad_identity(source, "is too large to be a PEM key");
    }

    std::ifstream in(path, std::ios::binary);
    if (!in) {
        bad_identity(source, "cannot be read: " + std::generic_category().message(errno));
    }
    std::string pem;
    // The text is the secret key; wipe it however parsing ends.
    struct Wipe {
        std::string& text;
        ~Wipe() { OPENSSL_cleanse(text.data(), text.size()); }
    } wipe{pem};
    std::array<char, 4096> chunk{};
    while (in.read(chunk.data(), chunk.size()) || in.gcount() > 0) {
        pem.append(chunk.data(), static_cast<std::size_t>(in.gcount()));
        if (pem.size() > max_pem_size) bad_identity(source, "is too large to be a PEM key");
    }
    OPENSSL_cleanse(chunk.data(), chunk.size());
    if (in.bad()) bad_identity(source, "cannot be read");
    Identity identity = from_pem(pem, source);
    identity.origin_ = "file " + source;
    return identity;
}

Identity Identity::from_pem(std::string_view pem, const std::string& source_name) {
    if (pem.find_first_not_of(" \t\r\n") == std::string_view::npos) {
        bad_identity(source_name, "is empty");
    }
    if (pem.size() > max_pem_size) {
        bad_identity(source_name, "is too large to be a PEM key");
    }
    PkeyPtr key = read_private_key(pem, source_name);
    Identity identity;
    identity.algorithm_ = classify(key.get(), source_name);
    identity.public_key_der_ = encode_public_key(key.get(), identity.algorithm_, source_name);
    identity.sender_ = Principal::self_authenticating(identity.public_key_der_);
    identity.key_ = std::shared_ptr<evp_pkey_st>(std::move(key));
    // Decoders that were tried and did not match leave errors behind even on success.
    ERR_clear_error();
    return identity;
}

Identity Identity::from_ed25519_seed(ByteView seed, ByteView public_key,
                                     const std::string& source) {
    if (seed.size() != 32 || (!public_key.empty() && public_key.size() != 32)) {
        fail(ErrorKind::Usage, source + " does not hold a 32-byte Ed25519 key");
    }
    PkeyPtr key = ed25519_key(seed, public_key, [&] {
        fail(ErrorKind::Usage,
             source + " holds an Ed25519 key whose public key does not match its private key");
    });
    Identity identity;
    identity.algorithm_ = Algorithm::Ed25519;
    identity.public_key_der_ = encode_public_key(key.get(), identity.algorithm_, source);
    identity.sender_ = Principal::self_authenticating(identity.public_key_der_);
    identity.key_ = std::shared_ptr<evp_pkey_st>(std::move(key));
    return identity;
}

const char* Identity::algorithm_name() const {
    switch (algorithm_) {
        case Algorithm::Ed25519:
            return "Ed25519";
        case Algorithm::Secp256k1:
            return "secp256k1";
        case Algorithm::Prime256v1:
            return "prime256v1";
        case Algorithm::Anonymous:
            break;
    }
    return "anonymous";
}

Bytes Identity::sign(ByteView message) const {
    if (is_anonymous()) {
        fail(ErrorKind::Usage,
             "this call must be signed by a controller, but no identity is set: pass --identity "
             "<pem file or icp/dfx identity name> (or IDENTITY / JUNO_IDENTITY in CMake), or set "
             "JUNO_TOKEN");
    }
    MdCtxPtr ctx(EVP_MD_CTX_new());
    // Ed25519 hashes internally and takes no digest; the IC's ECDSA is over SHA-256.
    const EVP_MD* md = algorithm_ == Algorithm::Ed25519 ? nullptr : EVP_sha256();
    if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, md, nullptr, key_.get()) != 1) {
        signing_failed();
    }
    std::size_t size = 0;
    if (EVP_DigestSign(ctx.get(), nullptr, &size, message.data(), message.size()) != 1) {
        signing_failed();
    }
    Bytes signature(size);
    if (EVP_DigestSign(ctx.get(), signature.data(), &size, message.data(), message.size()) != 1) {
        signing_failed();
    }
    signature.resize(size);
    if (algorithm_ == Algorithm::Ed25519) {
        if (signature.size() != 64) signing_failed();
        return signature;
    }
    return compact_low_s(signature, order_of(algorithm_));
}

}  // namespace ic
