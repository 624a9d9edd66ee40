// Ed25519 private keys in the PKCS#8 layouts that carry the public key too, which OpenSSL 3.0
// cannot decode: RFC 5958 OneAsymmetricKey v2 (`icp identity export`) and very old dfx keys.
#pragma once

#include <array>
#include <cstdint>
#include <optional>

#include "ic/bytes.hpp"

namespace ic {

struct Ed25519KeyPair {
    std::array<std::uint8_t, 32> seed{};  // the private key (RFC 8032's 32-byte secret)
    std::array<std::uint8_t, 32> public_key{};
    Ed25519KeyPair() = default;
    Ed25519KeyPair(const Ed25519KeyPair&) = delete;
    Ed25519KeyPair& operator=(const Ed25519KeyPair&) = delete;
    ~Ed25519KeyPair();  // wipes the seed
};

// Reads the DER of a OneAsymmetricKey for Ed25519 (OID 1.3.101.112) that holds the public key:
// `[1] IMPLICIT BIT STRING` as RFC 5958 says, or the `[1] EXPLICIT` of very old dfx. Returns
// false, with `out` unspecified, for anything else; it never checks that the two keys match
// (the caller derives the public key and compares).
bool parse_ed25519_one_asymmetric_key(ByteView der, Ed25519KeyPair& out);

}  // namespace ic
