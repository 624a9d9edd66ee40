// G1, the order-r subgroup of E: y^2 = x^3 + 4 over Fp, where min-sig BLS signatures live.
#pragma once

#include <array>

#include "ic/bls12_381_point.hpp"
#include "ic/bytes.hpp"

namespace ic::bls12_381 {

using G1Affine = Affine<Fp>;
using G1 = Jacobian<Fp>;

inline constexpr Fp g1_b = Fp::from_u64(4);

G1Affine g1_generator();

// Whether a point of E lies in G1 (the order-r subgroup), by an endomorphism test that is
// equivalent to [r]P = O and about twice as fast.
bool in_g1(const G1Affine& point);

// A 48-byte compressed point in the ZCash format, fully validated: the compression flag set, the
// infinity flag clear (a signature at infinity proves nothing), x below p, a y with x on the
// curve, the point in G1. Throws ic::Error (Verification) saying which check failed.
G1Affine g1_decompress(ByteView bytes48);
std::array<std::uint8_t, 48> g1_compress(const G1Affine& point);

}  // namespace ic::bls12_381
