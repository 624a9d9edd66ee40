// BLS signatures on BLS12-381, minimal-signature-size variant, as the IC signs certificates:
// ciphersuite BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_NUL_ (IRTF BLS signature draft), signature
// a compressed G1 point (48 bytes), public key a compressed G2 point (96 bytes), both in the
// ZCash serialisation. Verification only; inputs are public, so nothing is constant time.
#pragma once

#include <string_view>

#include "ic/bytes.hpp"

namespace ic {

// The domain separation tag of the IC's certificates (the NUL scheme, no proof of possession).
inline constexpr std::string_view bls_dst = "BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_NUL_";

// Checks e(signature, g2) == e(H(message), public_key) after validating both points (compressed
// flag, not infinity, coordinates below p, on the curve, in the prime-order subgroup). Throws
// ic::Error (Verification) naming what failed: "the public key is not on the curve ...", "the
// signature is the point at infinity", "the signature does not match the message and key".
void bls_verify_or_throw(ByteView public_key, ByteView signature, ByteView message,
                         std::string_view dst = bls_dst);

// The same check as a yes or no.
bool bls_verify(ByteView public_key, ByteView signature, ByteView message,
                std::string_view dst = bls_dst);

}  // namespace ic
