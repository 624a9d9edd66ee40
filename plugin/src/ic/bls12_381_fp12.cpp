#include "ic/bls12_381_fp12.hpp"

#include <array>

namespace ic::bls12_381 {

namespace {

// gamma[j] = xi^(j (p - 1) / 6): written over the basis 1, w, ..., w^5 (w^6 = xi), an element's
// Frobenius image conjugates each coefficient and multiplies the j-th by w^(j (p - 1)).
const std::array<Fp2, 6>& frobenius_coefficients() {
    static const std::array<Fp2, 6> gamma = [] {
        constexpr Limbs e = [] {
            Limbs p_minus_1 = detail::modulus;
            detail::sub_into(p_minus_1, detail::small(1));
            return detail::divide(p_minus_1, 6);
        }();
        const Fp2 base = Fp2::one().mul_by_xi().pow(e);
        std::array<Fp2, 6> out{Fp2::one()};
        for (std::size_t j = 1; j < 6; ++j) out[j] = out[j - 1] * base;
        return out;
    }();
    return gamma;
}

}  // namespace

Fp12 operator*(const Fp12& a, const Fp12& b) {
    const Fp6 t0 = a.c0 * b.c0;
    const Fp6 t1 = a.c1 * b.c1;
    return {t0 + t1.mul_by_v(), (a.c0 + a.c1) * (b.c0 + b.c1) - t0 - t1};
}

Fp12 Fp12::square() const {
    // (a + bw)^2 = (a^2 + v b^2) + 2ab w, with a^2 + v b^2 = (a + b)(a + vb) - ab - v ab.
    const Fp6 t = c0 * c1;
    return {(c0 + c1) * (c0 + c1.mul_by_v()) - t - t.mul_by_v(), t + t};
}

Fp12 Fp12::cyclotomic_square() const {
    // Granger and Scott, "Faster squaring in the cyclotomic subgroup of sixth degree extensions"
    // (PKC 2010). Over Fp4 = Fp2[s] / (s^2 - xi), s = w^3, an element is A + B w + C w^2 with
    // A = (w^0, w^3), B = (w^1, w^4), C = (w^2, w^5) coefficients, and its square is
    //   (3 A^2 - 2 conj(A)) + (3 s C^2 + 2 conj(B)) w + (3 B^2 - 2 conj(C)) w^2.
    struct Fp4 {
        Fp2 a, b;  // a + b s
    };
    const auto square4 = [](const Fp2& a, const Fp2& b) {
        const Fp2 a2 = a.square();
        const Fp2 b2 = b.square();
        return Fp4{a2 + b2.mul_by_xi(), (a + b).square() - a2 - b2};
    };
    // 3 x - 2 conj(y) coefficientwise, where conj(y) = (y.a, -y.b).
    const auto combine = [](const Fp2& x, const Fp2& y, bool negate) {
        const Fp2 d = negate ? x + y : x - y;
        return d.doubled() + x;
    };
    const Fp4 a2 = square4(c0.c0, c1.c1);
    const Fp4 b2 = square4(c1.c0, c0.c2);
    const Fp4 c2 = square4(c0.c1, c1.c2);
    const Fp4 sc2{c2.b.mul_by_xi(), c2.a};  // s C^2
    // new A: 3 a2 - 2 conj(A); new B: 3 s C^2 + 2 conj(B); new C: 3 b2 - 2 conj(C).
    Fp12 out;
    out.c0.c0 = combine(a2.a, c0.c0, false);
    out.c1.c1 = combine(a2.b, c1.c1, true);
    out.c1.c0 = (sc2.a + c1.c0).doubled() + sc2.a;
    out.c0.c2 = (sc2.b - c0.c2).doubled() + sc2.b;
    out.c0.c1 = combine(b2.a, c0.c1, false);
    out.c1.c2 = combine(b2.b, c1.c2, true);
    return out;
}

Fp12 Fp12::frobenius() const {
    const auto& g = frobenius_coefficients();
    // Tower positions: c0.c0 = w^0, c1.c0 = w^1, c0.c1 = w^2, c1.c1 = w^3, c0.c2 = w^4, c1.c2 =
    // w^5.
    return {{c0.c0.conjugate(), c0.c1.conjugate() * g[2], c0.c2.conjugate() * g[4]},
            {c1.c0.conjugate() * g[1], c1.c1.conjugate() * g[3], c1.c2.conjugate() * g[5]}};
}

Fp12 Fp12::inverse() const {
    // (a + bw)(a - bw) = a^2 - v b^2, which lies in Fp6.
    const Fp6 norm_inverse = (c0.square() - c1.square().mul_by_v()).inverse();
    return {c0 * norm_inverse, -(c1 * norm_inverse)};
}

Fp12 Fp12::mul_by_line(const Fp2& a, const Fp2& b, const Fp2& c) const {
    // Karatsuba with the sparse factors L0 = a + b v and L1 = c v.
    const Fp6 t0 = c0.mul_by_01(a, b);
    const Fp6 t1 = c1.mul_by_1(c);
    return {t0 + t1.mul_by_v(), (c0 + c1).mul_by_01(a, b + c) - t0 - t1};
}

}  // namespace ic::bls12_381
