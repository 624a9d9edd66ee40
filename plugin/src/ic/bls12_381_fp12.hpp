// Fp12 = Fp6[w] / (w^2 - v): where pairings take their values.
#pragma once

#include "ic/bls12_381_fp6.hpp"

namespace ic::bls12_381 {

struct Fp12 {
    Fp6 c0, c1;  // c0 + c1 w

    static constexpr Fp12 one() { return {Fp6::one(), Fp6::zero()}; }

    constexpr friend bool operator==(const Fp12& a, const Fp12& b) = default;
    friend Fp12 operator*(const Fp12& a, const Fp12& b);
    Fp12& operator*=(const Fp12& b) { return *this = *this * b; }
    Fp12 square() const;
    // The square of an element of the cyclotomic subgroup (where the final exponentiation's hard
    // part works), by Granger and Scott's formula: half the cost of square(), wrong elsewhere.
    Fp12 cyclotomic_square() const;

    // The p^6-th power, w -> -w; it is the inverse on the cyclotomic subgroup, where the final
    // exponentiation works.
    Fp12 conjugate() const { return {c0, -c1}; }
    // x -> x^p.
    Fp12 frobenius() const;
    Fp12 inverse() const;

    // Multiplication by a Miller-loop line a + b w^2 + c w^3 (a, b, c in Fp2), i.e. by
    // (a + b v) + (c v) w; the other three coefficients are zero.
    Fp12 mul_by_line(const Fp2& a, const Fp2& b, const Fp2& c) const;
};

}  // namespace ic::bls12_381
