// G2, the order-r subgroup of the twist E': y^2 = x^3 + 4(1 + u) over Fp2, where min-sig BLS
// public keys (the IC's root and subnet keys) live.
#pragma once

#include <array>

#include "ic/bls12_381_fp2.hpp"
#include "ic/bls12_381_point.hpp"
#include "ic/bytes.hpp"

namespace ic::bls12_381 {

using G2Affine = Affine<Fp2>;
using G2 = Jacobian<Fp2>;

inline constexpr Fp2 g2_b{Fp::from_u64(4), Fp::from_u64(4)};

G2Affine g2_generator();

// Whether a point of E' lies in G2 (the order-r subgroup), by an endomorphism test that is
// equivalent to [r]Q = O and four times as fast.
bool in_g2(const G2Affine& point);

// The endomorphism psi of E' (untwist, Frobenius, twist), which acts on G2 as multiplication by x.
G2Affine psi(const G2Affine& point);

// A 96-byte compressed point in the ZCash format (x.c1 then x.c0, flags in the first byte),
// validated as g1_decompress does. Throws ic::Error (Verification) saying which check failed.
G2Affine g2_decompress(ByteView bytes96);
std::array<std::uint8_t, 96> g2_compress(const G2Affine& point);

}  // namespace ic::bls12_381
