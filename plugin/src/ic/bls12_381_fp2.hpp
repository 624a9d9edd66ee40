// Fp2 = Fp[u] / (u^2 + 1): the field of the G2 coordinates and the base of the tower to Fp12.
#pragma once

#include <optional>

#include "ic/bls12_381_fp.hpp"

namespace ic::bls12_381 {

struct Fp2 {
    Fp c0;  // real part
    Fp c1;  // coefficient of u

    static constexpr Fp2 zero() { return {}; }
    static constexpr Fp2 one() { return {Fp::one(), Fp::zero()}; }

    constexpr bool is_zero() const { return c0.is_zero() && c1.is_zero(); }
    constexpr friend bool operator==(const Fp2& a, const Fp2& b) = default;

    constexpr friend Fp2 operator+(const Fp2& a, const Fp2& b) {
        return {a.c0 + b.c0, a.c1 + b.c1};
    }
    constexpr friend Fp2 operator-(const Fp2& a, const Fp2& b) {
        return {a.c0 - b.c0, a.c1 - b.c1};
    }
    constexpr Fp2 operator-() const { return {-c0, -c1}; }
    // Karatsuba: three multiplications in Fp instead of four.
    constexpr friend Fp2 operator*(const Fp2& a, const Fp2& b) {
        const Fp t0 = a.c0 * b.c0;
        const Fp t1 = a.c1 * b.c1;
        return {t0 - t1, (a.c0 + a.c1) * (b.c0 + b.c1) - t0 - t1};
    }
    constexpr friend Fp2 operator*(const Fp2& a, const Fp& b) { return {a.c0 * b, a.c1 * b}; }
    constexpr Fp2& operator+=(const Fp2& b) { return *this = *this + b; }
    constexpr Fp2& operator-=(const Fp2& b) { return *this = *this - b; }
    constexpr Fp2& operator*=(const Fp2& b) { return *this = *this * b; }

    // (a + bu)^2 = (a + b)(a - b) + 2ab u
    constexpr Fp2 square() const { return {(c0 + c1) * (c0 - c1), (c0 * c1).doubled()}; }
    constexpr Fp2 doubled() const { return {c0.doubled(), c1.doubled()}; }
    // The Frobenius map x -> x^p, since u^p = -u.
    constexpr Fp2 conjugate() const { return {c0, -c1}; }
    // Multiplication by xi = 1 + u, the non-residue that builds Fp6 and twists E to E'.
    constexpr Fp2 mul_by_xi() const { return {c0 - c1, c0 + c1}; }

    Fp2 inverse() const;  // zero stays zero
    Fp2 pow(const Limbs& e) const;
    std::optional<Fp2> sqrt() const;
    // The ZCash serialisation's sign for Fp2: compare c1, or c0 when c1 is zero.
    bool lexicographically_largest() const {
        return c1.is_zero() ? c0.lexicographically_largest() : c1.lexicographically_largest();
    }
};

}  // namespace ic::bls12_381
