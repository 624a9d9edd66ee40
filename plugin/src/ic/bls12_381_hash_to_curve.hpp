// Hashing to G1 as RFC 9380 defines the suite BLS12381G1_XMD:SHA-256_SSWU_RO_:
// expand_message_xmd with SHA-256, two field elements, the simplified SWU map onto the curve E'
// isogenous to E, the 11-isogeny back to E, and cofactor clearing by h_eff.
#pragma once

#include <array>
#include <cstddef>

#include "ic/bls12_381_g1.hpp"
#include "ic/bytes.hpp"

namespace ic::bls12_381 {

// RFC 9380 section 5.3.1. The DST must be 1..255 bytes and len_in_bytes at most 8160.
Bytes expand_message_xmd(ByteView message, ByteView dst, std::size_t len_in_bytes);

// RFC 9380 section 5.2 with count = 2, m = 1, L = 64.
std::array<Fp, 2> hash_to_field(ByteView message, ByteView dst);

// map_to_curve: simplified SWU on E' followed by the 11-isogeny, a point of E (not yet in G1).
G1Affine map_to_curve(const Fp& u);

// hash_to_curve: a point of G1 (in practice never the point at infinity).
G1 hash_to_g1(ByteView message, ByteView dst);

}  // namespace ic::bls12_381
