// Points of y^2 = x^3 + b over Fp (G1's curve E) or Fp2 (G2's twist E'), in Jacobian
// coordinates so that the group law needs no inversion. Both curves have a = 0, which is all the
// formulas below depend on; b only matters to the on-curve check.
#pragma once

#include <cstdint>
#include <optional>

#include "ic/bls12_381_fp.hpp"

namespace ic::bls12_381 {

template <typename F>
struct Affine {
    F x, y;
    constexpr friend bool operator==(const Affine& a, const Affine& b) = default;
    Affine operator-() const { return {x, -y}; }
    bool on_curve(const F& b) const { return y.square() == x.square() * x + b; }
};

template <typename F>
struct Jacobian {
    F x = F::one(), y = F::one(), z = F::zero();  // (x / z^2, y / z^3); z = 0 is infinity

    static Jacobian infinity() { return {}; }
    static Jacobian from(const Affine<F>& p) { return {p.x, p.y, F::one()}; }
    bool is_infinity() const { return z.is_zero(); }

    Jacobian operator-() const { return {x, -y, z}; }

    // dbl-2009-l (Explicit-Formulas Database), for a = 0.
    Jacobian doubled() const {
        if (is_infinity()) return *this;
        const F a = x.square();
        const F b = y.square();
        const F c = b.square();
        const F d = ((x + b).square() - a - c).doubled();
        const F e = a.doubled() + a;
        const F x3 = e.square() - d.doubled();
        const F c8 = c.doubled().doubled().doubled();
        return {x3, e * (d - x3) - c8, (y * z).doubled()};
    }

    // add-2007-bl, with the cases it leaves out: infinity, equal points, opposite points.
    friend Jacobian operator+(const Jacobian& p, const Jacobian& q) {
        if (p.is_infinity()) return q;
        if (q.is_infinity()) return p;
        const F z1z1 = p.z.square();
        const F z2z2 = q.z.square();
        const F u1 = p.x * z2z2;
        const F u2 = q.x * z1z1;
        const F s1 = p.y * q.z * z2z2;
        const F s2 = q.y * p.z * z1z1;
        const F h = u2 - u1;
        const F r = (s2 - s1).doubled();
        if (h.is_zero()) return r.is_zero() ? p.doubled() : infinity();
        const F i = h.doubled().square();
        const F j = h * i;
        const F v = u1 * i;
        const F x3 = r.square() - j - v.doubled();
        return {x3, r * (v - x3) - (s1 * j).doubled(), ((p.z + q.z).square() - z1z1 - z2z2) * h};
    }
    Jacobian& operator+=(const Jacobian& q) { return *this = *this + q; }

    // [k] this, most significant bit first; k as little-endian limbs.
    template <std::size_t N>
    Jacobian mul(const std::array<std::uint64_t, N>& k) const {
        Jacobian acc = infinity();
        for (std::size_t i = N; i-- > 0;) {
            for (int bit = 63; bit >= 0; --bit) {
                acc = acc.doubled();
                if ((k[i] >> bit) & 1) acc += *this;
            }
        }
        return acc;
    }

    std::optional<Affine<F>> to_affine() const {
        if (is_infinity()) return std::nullopt;
        const F zi = z.inverse();
        const F zi2 = zi.square();
        return Affine<F>{x * zi2, y * zi2 * zi};
    }

    // Same point, whatever the representatives: compare x1 z2^2 = x2 z1^2 and y1 z2^3 = y2 z1^3.
    friend bool operator==(const Jacobian& p, const Jacobian& q) {
        if (p.is_infinity() || q.is_infinity()) return p.is_infinity() && q.is_infinity();
        const F z1z1 = p.z.square();
        const F z2z2 = q.z.square();
        return p.x * z2z2 == q.x * z1z1 && p.y * z2z2 * q.z == q.y * z1z1 * p.z;
    }
};

}  // namespace ic::bls12_381

namespace ic::bls12_381 {

// The three top bits of a ZCash-serialised point (its first byte), which the 381-bit
// coordinate leaves free.
struct ZcashFlags {
    static constexpr std::uint8_t compressed_bit = 0x80;
    static constexpr std::uint8_t infinity_bit = 0x40;
    static constexpr std::uint8_t sign_bit = 0x20;  // y is the lexicographically larger root
    static constexpr std::uint8_t all = compressed_bit | infinity_bit | sign_bit;

    bool compressed, infinity, sign;
    static ZcashFlags of(std::uint8_t first_byte) {
        return {(first_byte & compressed_bit) != 0, (first_byte & infinity_bit) != 0,
                (first_byte & sign_bit) != 0};
    }
};

// The order r of G1 and G2 (255 bits).
inline constexpr std::array<std::uint64_t, 4> group_order = [] {
    const Limbs r = detail::limbs_from_hex(
        "0x73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001");
    return std::array<std::uint64_t, 4>{r[0], r[1], r[2], r[3]};
}();

}  // namespace ic::bls12_381
