#include "ic/bls12_381_fp2.hpp"

namespace ic::bls12_381 {

Fp2 Fp2::inverse() const {
    // 1/(a + bu) = (a - bu) / (a^2 + b^2)
    const Fp norm_inverse = (c0.square() + c1.square()).inverse();
    return {c0 * norm_inverse, -(c1 * norm_inverse)};
}

Fp2 Fp2::pow(const Limbs& e) const {
    Fp2 result = one();
    for (std::size_t i = 6; i-- > 0;) {
        for (int bit = 63; bit >= 0; --bit) {
            result = result.square();
            if ((e[i] >> bit) & 1) result *= *this;
        }
    }
    return result;
}

std::optional<Fp2> Fp2::sqrt() const {
    // Square roots through the norm: if (x + yu)^2 = a + bu then x^2 - y^2 = a, 2xy = b and
    // x^2 + y^2 = sqrt(a^2 + b^2), so x^2 = (a +- sqrt(a^2 + b^2)) / 2 and y = b / 2x. Only
    // one sign gives a square in Fp when b != 0, because -1 is not a square (p = 3 mod 4).
    std::optional<Fp2> root;
    if (c1.is_zero()) {
        if (auto x = c0.sqrt()) {
            root = Fp2{*x, Fp::zero()};
        } else if (auto y = (-c0).sqrt()) {
            root = Fp2{Fp::zero(), *y};  // (yu)^2 = -y^2
        }
    } else if (auto norm_root = (c0.square() + c1.square()).sqrt()) {
        const Fp half = Fp::from_u64(2).inverse();
        std::optional<Fp> x = ((c0 + *norm_root) * half).sqrt();
        if (!x) x = ((c0 - *norm_root) * half).sqrt();
        if (x && !x->is_zero()) root = Fp2{*x, c1 * (x->doubled()).inverse()};
    }
    // The derivation above is checked rather than trusted.
    if (root && root->square() != *this) return std::nullopt;
    return root;
}

}  // namespace ic::bls12_381
