// The optimal ate pairing e: G1 x G2 -> Fp12 of BLS12-381: a Miller loop over the bits of the
// curve parameter |x| = 0xd201000000010000, then the final exponentiation to the power
// (p^12 - 1) / r.
#pragma once

#include <span>
#include <utility>

#include "ic/bls12_381_fp12.hpp"
#include "ic/bls12_381_g1.hpp"
#include "ic/bls12_381_g2.hpp"

namespace ic::bls12_381 {

using PairingInput = std::pair<G1Affine, G2Affine>;

// The product of the Miller loops of every pair, sharing one accumulator (one squaring per bit
// for all pairs). Points at infinity cannot be written as Affine, so the caller leaves such
// pairs out (their pairing is 1).
Fp12 miller_loop(std::span<const PairingInput> pairs);

// f^(3 (p^12 - 1) / r). The factor 3 comes with the fast addition chain for the hard part; as
// 3 is prime to r it changes no answer to "is the product 1?" and keeps the map bilinear.
Fp12 final_exponentiation(const Fp12& f);

// e(P1, Q1) * ... * e(Pn, Qn) == 1, the form a signature check takes.
bool pairing_product_is_one(std::span<const PairingInput> pairs);

Fp12 pairing(const G1Affine& p, const G2Affine& q);

}  // namespace ic::bls12_381
