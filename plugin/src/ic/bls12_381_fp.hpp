// BLS12-381 base field Fp: 381-bit integers modulo p, in Montgomery form on six 64-bit limbs.
//
// Only public data passes through here (certificates and keys), so nothing is constant time.
// The arithmetic is inline and constexpr: the extension fields and the curves are built on it,
// and the constants (p, R^2, the isogeny coefficients...) are written once, in hexadecimal as
// the specifications give them, and converted by the compiler.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "ic/bytes.hpp"

namespace ic::bls12_381 {

__extension__ typedef unsigned __int128 u128;

// Little-endian 64-bit limbs of a 384-bit integer.
using Limbs = std::array<std::uint64_t, 6>;

namespace detail {

constexpr std::uint64_t hex_digit(char c) {
    if (c >= '0' && c <= '9') return static_cast<std::uint64_t>(c - '0');
    if (c >= 'a' && c <= 'f') return static_cast<std::uint64_t>(c - 'a' + 10);
    if (c >= 'A' && c <= 'F') return static_cast<std::uint64_t>(c - 'A' + 10);
    throw "not a hexadecimal digit";  // in a constant expression: a compile error
}

// "0x1a01..." (big-endian, as the specifications print numbers) into limbs.
constexpr Limbs limbs_from_hex(std::string_view hex) {
    if (hex.size() >= 2 && hex[0] == '0' && (hex[1] == 'x' || hex[1] == 'X')) hex.remove_prefix(2);
    if (hex.size() > 96) throw "more than 384 bits";
    Limbs out{};
    std::size_t bit = 0;
    for (std::size_t i = hex.size(); i-- > 0; bit += 4) {
        out[bit / 64] |= hex_digit(hex[i]) << (bit % 64);
    }
    return out;
}

constexpr bool less(const Limbs& a, const Limbs& b) {
    for (std::size_t i = 6; i-- > 0;) {
        if (a[i] != b[i]) return a[i] < b[i];
    }
    return false;
}

// a - b, wrapping; returns the borrow.
constexpr std::uint64_t sub_into(Limbs& a, const Limbs& b) {
    std::uint64_t borrow = 0;
    for (std::size_t i = 0; i < 6; ++i) {
        const std::uint64_t d = a[i] - b[i];
        const std::uint64_t next = (a[i] < b[i]) | (d < borrow);
        a[i] = d - borrow;
        borrow = next;
    }
    return borrow;
}

// a + b, wrapping; returns the carry.
constexpr std::uint64_t add_into(Limbs& a, const Limbs& b) {
    std::uint64_t carry = 0;
    for (std::size_t i = 0; i < 6; ++i) {
        const std::uint64_t s = a[i] + b[i];
        const std::uint64_t next = (s < a[i]) | (s + carry < s);
        a[i] = s + carry;
        carry = next;
    }
    return carry;
}

constexpr Limbs shift_right(Limbs a, unsigned bits) {
    for (unsigned n = 0; n < bits; ++n) {
        for (std::size_t i = 0; i < 6; ++i) {
            a[i] = (a[i] >> 1) | (i + 1 < 6 ? a[i + 1] << 63 : 0);
        }
    }
    return a;
}

// Exact division by a small number (used for exponents such as (p - 1) / 6).
constexpr Limbs divide(const Limbs& a, std::uint64_t d) {
    Limbs q{};
    u128 rem = 0;
    for (std::size_t i = 6; i-- > 0;) {
        const u128 cur = (rem << 64) | a[i];
        q[i] = static_cast<std::uint64_t>(cur / d);
        rem = cur % d;
    }
    if (rem != 0) throw "inexact division";
    return q;
}

constexpr Limbs small(std::uint64_t v) { return Limbs{v, 0, 0, 0, 0, 0}; }

constexpr Limbs modulus = limbs_from_hex(
    "0x1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffff"
    "b9feffffffffaaab");

// -p^-1 mod 2^64, by Newton's iteration (each step doubles the correct low bits).
constexpr std::uint64_t compute_m0() {
    std::uint64_t inv = 1;
    for (int i = 0; i < 6; ++i) inv *= 2 - modulus[0] * inv;
    return ~inv + 1;
}
constexpr std::uint64_t m0 = compute_m0();

// 2^k mod p, by doubling (compile time only).
constexpr Limbs pow2_mod_p(unsigned k) {
    Limbs x = small(1);
    for (unsigned i = 0; i < k; ++i) {
        const std::uint64_t carry = add_into(x, x);
        if (carry != 0 || !less(x, modulus)) sub_into(x, modulus);
    }
    return x;
}

// Montgomery multiplication (CIOS): a * b / 2^384 mod p. Needs a * b < 2^384 * p, so one input
// may be any 384-bit number, which hash_to_field uses to reduce wide values.
constexpr Limbs mont_mul(const Limbs& a, const Limbs& b) {
    std::uint64_t t[8] = {};
    for (std::size_t i = 0; i < 6; ++i) {
        std::uint64_t carry = 0;
        for (std::size_t j = 0; j < 6; ++j) {
            const u128 s = static_cast<u128>(a[j]) * b[i] + t[j] + carry;
            t[j] = static_cast<std::uint64_t>(s);
            carry = static_cast<std::uint64_t>(s >> 64);
        }
        u128 s = static_cast<u128>(t[6]) + carry;
        t[6] = static_cast<std::uint64_t>(s);
        t[7] = static_cast<std::uint64_t>(s >> 64);

        const std::uint64_t m = t[0] * m0;
        s = static_cast<u128>(m) * modulus[0] + t[0];
        carry = static_cast<std::uint64_t>(s >> 64);
        for (std::size_t j = 1; j < 6; ++j) {
            s = static_cast<u128>(m) * modulus[j] + t[j] + carry;
            t[j - 1] = static_cast<std::uint64_t>(s);
            carry = static_cast<std::uint64_t>(s >> 64);
        }
        s = static_cast<u128>(t[6]) + carry;
        t[5] = static_cast<std::uint64_t>(s);
        t[6] = t[7] + static_cast<std::uint64_t>(s >> 64);
    }
    Limbs r{t[0], t[1], t[2], t[3], t[4], t[5]};
    if (t[6] != 0 || !less(r, modulus)) sub_into(r, modulus);
    return r;
}

// a * b + c + carry, returning the low word and leaving the high word in carry.
constexpr std::uint64_t mac(std::uint64_t a, std::uint64_t b, std::uint64_t c,
                            std::uint64_t& carry) {
    const u128 s = static_cast<u128>(a) * b + c + carry;
    carry = static_cast<std::uint64_t>(s >> 64);
    return static_cast<std::uint64_t>(s);
}

// The same product for inputs below p, by the "no-carry" variant of CIOS: it applies because the
// top limb of p is below 2^62, which keeps every intermediate value within six limbs and a carry
// word. This is where pairings spend their time, so it is unrolled by hand over scalars: GCC
// keeps those in registers, where arrays of 128-bit intermediates end up on the stack.
constexpr Limbs mont_mul_reduced(const Limbs& a, const Limbs& b) {
    std::uint64_t t0 = 0, t1 = 0, t2 = 0, t3 = 0, t4 = 0, t5 = 0;
#pragma GCC unroll 6
    for (std::size_t i = 0; i < 6; ++i) {
        const std::uint64_t bi = b[i];
        std::uint64_t ca = 0, cm = 0;
        t0 = mac(a[0], bi, t0, ca);
        const std::uint64_t m = t0 * m0;
        mac(m, modulus[0], t0, cm);
        t0 = mac(m, modulus[1], mac(a[1], bi, t1, ca), cm);
        t1 = mac(m, modulus[2], mac(a[2], bi, t2, ca), cm);
        t2 = mac(m, modulus[3], mac(a[3], bi, t3, ca), cm);
        t3 = mac(m, modulus[4], mac(a[4], bi, t4, ca), cm);
        t4 = mac(m, modulus[5], mac(a[5], bi, t5, ca), cm);
        t5 = ca + cm;
    }
    Limbs t{t0, t1, t2, t3, t4, t5};
    Limbs reduced = t;
    return sub_into(reduced, modulus) == 0 ? reduced : t;
}

constexpr Limbs r1 = pow2_mod_p(384);   // 1 in Montgomery form
constexpr Limbs r2 = pow2_mod_p(768);   // converts into Montgomery form
constexpr Limbs r3 = mont_mul(r2, r2);  // 2^384 * R: lifts the high part of wide values
constexpr Limbs p_minus_2 = [] {
    Limbs e = modulus;
    sub_into(e, small(2));
    return e;
}();
constexpr Limbs p_plus_1_div_4 = [] {
    Limbs e = modulus;
    add_into(e, small(1));
    return shift_right(e, 2);
}();
constexpr Limbs p_minus_1_div_2 = shift_right(modulus, 1);  // p is odd

}  // namespace detail

// An element of Fp, always fully reduced, so equal values have equal limbs.
class Fp {
public:
    constexpr Fp() = default;

    static constexpr Fp zero() { return Fp(); }
    static constexpr Fp one() { return Fp(detail::r1); }
    static constexpr Fp from_u64(std::uint64_t v) {
        return Fp(detail::mont_mul(detail::small(v), detail::r2));
    }
    // A constant written as the specifications print it; a value >= p does not compile.
    static constexpr Fp from_hex(std::string_view hex) {
        const Limbs v = detail::limbs_from_hex(hex);
        if (!detail::less(v, detail::modulus)) throw "not below p";
        return Fp(detail::mont_mul(v, detail::r2));
    }
    // 48 big-endian bytes; nullopt unless the value is below p (encodings are canonical).
    static std::optional<Fp> from_bytes(ByteView bytes48);
    // A 64-byte big-endian number reduced mod p, as hash_to_field does (RFC 9380 section 5.2).
    static Fp from_wide_bytes(ByteView bytes64);

    std::array<std::uint8_t, 48> to_bytes() const;
    constexpr Limbs canonical() const { return detail::mont_mul(v_, detail::small(1)); }

    constexpr bool is_zero() const { return v_ == Limbs{}; }
    // sgn0 of RFC 9380 for a prime field: the parity of the canonical value.
    constexpr bool sgn0() const { return (canonical()[0] & 1) != 0; }
    // The ZCash serialisation's sign: whether the value exceeds (p - 1) / 2, i.e. is the larger
    // of itself and its negation.
    constexpr bool lexicographically_largest() const {
        return detail::less(detail::p_minus_1_div_2, canonical());
    }

    constexpr friend bool operator==(const Fp& a, const Fp& b) { return a.v_ == b.v_; }

    constexpr friend Fp operator+(Fp a, const Fp& b) {
        // Both are below p < 2^382, so the sum cannot carry out of six limbs; subtracting p
        // and keeping the difference unless it borrowed avoids a limb-by-limb comparison.
        detail::add_into(a.v_, b.v_);
        Limbs reduced = a.v_;
        if (detail::sub_into(reduced, detail::modulus) == 0) a.v_ = reduced;
        return a;
    }
    constexpr friend Fp operator-(Fp a, const Fp& b) {
        // Add p back when the difference borrowed, through a mask: the branch would be a coin
        // toss for the predictor.
        const std::uint64_t mask = ~detail::sub_into(a.v_, b.v_) + 1;
        Limbs correction{};
        for (std::size_t i = 0; i < 6; ++i) correction[i] = detail::modulus[i] & mask;
        detail::add_into(a.v_, correction);
        return a;
    }
    constexpr Fp operator-() const { return Fp() - *this; }
    constexpr friend Fp operator*(const Fp& a, const Fp& b) {
        return Fp(detail::mont_mul_reduced(a.v_, b.v_));
    }
    constexpr Fp& operator+=(const Fp& b) { return *this = *this + b; }
    constexpr Fp& operator-=(const Fp& b) { return *this = *this - b; }
    constexpr Fp& operator*=(const Fp& b) { return *this = *this * b; }

    constexpr Fp square() const { return *this * *this; }
    constexpr Fp doubled() const { return *this + *this; }

    // this^e for an exponent given as limbs.
    Fp pow(const Limbs& e) const;
    // 1/this by Fermat; zero stays zero (RFC 9380's inv0).
    Fp inverse() const { return pow(detail::p_minus_2); }
    // A square root when one exists (p = 3 mod 4, so it is a single exponentiation).
    std::optional<Fp> sqrt() const;
    bool is_square() const { return sqrt().has_value(); }

private:
    constexpr explicit Fp(const Limbs& montgomery) : v_(montgomery) {}
    Limbs v_{};
};

}  // namespace ic::bls12_381
