#include "ic/root_key.hpp"

#include <algorithm>

#include "ic/cbor.hpp"
#include "ic/error.hpp"
#include "ic/transport.hpp"

namespace ic {

namespace {

// SubjectPublicKeyInfo header for a BLS12-381 G2 key (OIDs 1.3.6.1.4.1.44668.5.3.1.2.1 and
// 1.3.6.1.4.1.44668.5.3.2.1), interface spec "Certificate".
constexpr char der_prefix_hex[] =
    "308182301d060d2b0601040182dc7c0503010201060c2b0601040182dc7c05030201036100";

constexpr char mainnet_key_hex[] =
    "814c0e6ec71fab583b08bd81373c255c3c371b2e84863c98a4f1e08b74235d14fb5d9c0cd546d9685f913a0c0b2cc5"
    "34"
    "1583bf4b4392e467db96d65b9bb4cb717112f8472e0d5a4d14505ffd7484b01291091c5f87b98883463f98091a0baa"
    "ae";

const Bytes& der_prefix() {
    static const Bytes prefix = from_hex(der_prefix_hex);
    return prefix;
}

}  // namespace

const Bytes& mainnet_root_key() {
    static const Bytes key = bls_key_to_der(from_hex(mainnet_key_hex));
    return key;
}

Bytes bls_key_to_der(ByteView raw96) {
    if (raw96.size() != 96) {
        fail(ErrorKind::Verification,
             "a BLS12-381 public key is 96 bytes, got " + std::to_string(raw96.size()));
    }
    Bytes out = der_prefix();
    append(out, raw96);
    return out;
}

Bytes bls_key_from_der(ByteView der) {
    const Bytes& prefix = der_prefix();
    if (der.size() != prefix.size() + 96 ||
        !std::equal(prefix.begin(), prefix.end(), der.begin())) {
        fail(ErrorKind::Verification, "the root key is not a DER-encoded BLS12-381 G2 key");
    }
    return Bytes(der.begin() + static_cast<std::ptrdiff_t>(prefix.size()), der.end());
}

Bytes fetch_root_key(Transport& transport) {
    HttpResponse response = transport.get("/api/v2/status");
    if (response.status != 200) {
        fail(ErrorKind::Protocol, transport.base_url() + "/api/v2/status answered HTTP " +
                                      std::to_string(response.status) + "; is this an IC replica?");
    }
    cbor::Value status = cbor::decode(response.body);
    const cbor::Value* key = status.find("root_key");
    if (!key || !key->is_bytes()) {
        fail(ErrorKind::Protocol, transport.base_url() +
                                      " does not publish a root key in /api/v2/status; pass "
                                      "--root-key <hex> for this network");
    }
    bls_key_from_der(key->as_bytes());
    return key->as_bytes();
}

Bytes parse_root_key(std::string_view spec) {
    if (spec == "ic") return mainnet_root_key();
    Bytes bytes = from_hex(spec);
    if (bytes.size() == 96) return bls_key_to_der(bytes);
    bls_key_from_der(bytes);
    return bytes;
}

}  // namespace ic
