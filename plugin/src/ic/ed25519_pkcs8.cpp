#include "ic/ed25519_pkcs8.hpp"

#include <openssl/asn1.h>
#include <openssl/crypto.h>

#include <algorithm>

namespace ic {

namespace {

// One DER element read with OpenSSL's own TLV decoder.
struct Element {
    int tag = 0;
    int tag_class = 0;
    bool constructed = false;
    ByteView content;
};

// Reads the element at the front of `in` and advances `in` past it.
bool next(ByteView& in, Element& out) {
    if (in.empty()) return false;
    const unsigned char* p = in.data();
    long length = 0;
    int result =
        ASN1_get_object(&p, &length, &out.tag, &out.tag_class, static_cast<long>(in.size()));
    // 0x80 flags an error (including a length that runs past the input); indefinite lengths are
    // BER, not DER.
    if ((result & 0x80) != 0 || (result & 0x01) != 0) return false;
    out.constructed = (result & V_ASN1_CONSTRUCTED) != 0;
    const auto header = static_cast<std::size_t>(p - in.data());
    out.content = in.subspan(header, static_cast<std::size_t>(length));
    in = in.subspan(header + static_cast<std::size_t>(length));
    return true;
}

bool is(const Element& e, int tag_class, int tag, bool constructed) {
    return e.tag_class == tag_class && e.tag == tag && e.constructed == constructed;
}

template <std::size_t N>
bool equals(ByteView bytes, const std::array<std::uint8_t, N>& expected) {
    return bytes.size() == N && std::equal(expected.begin(), expected.end(), bytes.begin());
}

// BIT STRING content of a 32-byte key: no unused bits, then the key.
bool read_public_key(ByteView bits, std::array<std::uint8_t, 32>& out) {
    if (bits.size() != out.size() + 1 || bits[0] != 0) return false;
    std::copy(bits.begin() + 1, bits.end(), out.begin());
    return true;
}

}  // namespace

Ed25519KeyPair::~Ed25519KeyPair() { OPENSSL_cleanse(seed.data(), seed.size()); }

bool parse_ed25519_one_asymmetric_key(ByteView der, Ed25519KeyPair& out) {
    // AlgorithmIdentifier { id-Ed25519 } with absent parameters (RFC 8410 §3).
    static constexpr std::array<std::uint8_t, 5> ed25519_oid = {0x06, 0x03, 0x2b, 0x65, 0x70};

    Element key;
    if (!next(der, key) || !der.empty() || !is(key, V_ASN1_UNIVERSAL, V_ASN1_SEQUENCE, true)) {
        return false;
    }
    ByteView fields = key.content;
    Element version, algorithm, private_key;
    if (!next(fields, version) || !is(version, V_ASN1_UNIVERSAL, V_ASN1_INTEGER, false) ||
        version.content.size() != 1 || version.content[0] > 1) {
        return false;
    }
    if (!next(fields, algorithm) || !is(algorithm, V_ASN1_UNIVERSAL, V_ASN1_SEQUENCE, true) ||
        !equals(algorithm.content, ed25519_oid)) {
        return false;
    }
    // privateKey is an OCTET STRING holding CurvePrivateKey, itself an OCTET STRING (RFC 8410 §7).
    if (!next(fields, private_key) ||
        !is(private_key, V_ASN1_UNIVERSAL, V_ASN1_OCTET_STRING, false)) {
        return false;
    }
    ByteView wrapped = private_key.content;
    Element seed;
    if (!next(wrapped, seed) || !wrapped.empty() ||
        !is(seed, V_ASN1_UNIVERSAL, V_ASN1_OCTET_STRING, false) ||
        seed.content.size() != out.seed.size()) {
        return false;
    }
    std::copy(seed.content.begin(), seed.content.end(), out.seed.begin());

    // Without a public key this is a plain v1 key, which OpenSSL reads itself.
    Element optional;
    if (!next(fields, optional)) return false;
    if (is(optional, V_ASN1_CONTEXT_SPECIFIC, 0, true)) {
        // [0] attributes: nothing in them matters for signing.
        if (!next(fields, optional)) return false;
    }
    bool found = false;
    if (is(optional, V_ASN1_CONTEXT_SPECIFIC, 1, false)) {
        found = read_public_key(optional.content, out.public_key);
    } else if (is(optional, V_ASN1_CONTEXT_SPECIFIC, 1, true)) {
        ByteView inner = optional.content;
        Element bits;
        found = next(inner, bits) && inner.empty() &&
                is(bits, V_ASN1_UNIVERSAL, V_ASN1_BIT_STRING, false) &&
                read_public_key(bits.content, out.public_key);
    }
    return found && fields.empty();
}

}  // namespace ic
