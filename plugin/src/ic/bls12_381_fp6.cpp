#include "ic/bls12_381_fp6.hpp"

namespace ic::bls12_381 {

Fp6 operator*(const Fp6& a, const Fp6& b) {
    // Karatsuba over the three coefficients, reducing v^3 = xi.
    const Fp2 t0 = a.c0 * b.c0;
    const Fp2 t1 = a.c1 * b.c1;
    const Fp2 t2 = a.c2 * b.c2;
    return {((a.c1 + a.c2) * (b.c1 + b.c2) - t1 - t2).mul_by_xi() + t0,
            (a.c0 + a.c1) * (b.c0 + b.c1) - t0 - t1 + t2.mul_by_xi(),
            (a.c0 + a.c2) * (b.c0 + b.c2) - t0 - t2 + t1};
}

Fp6 Fp6::mul_by_01(const Fp2& b0, const Fp2& b1) const {
    // (c0 + c1 v + c2 v^2)(b0 + b1 v) = c0 b0 + xi c2 b1 + (c0 b1 + c1 b0) v + (c1 b1 + c2 b0) v^2
    const Fp2 t0 = c0 * b0;
    const Fp2 t1 = c1 * b1;
    return {(c2 * b1).mul_by_xi() + t0, (c0 + c1) * (b0 + b1) - t0 - t1, t1 + c2 * b0};
}

Fp6 Fp6::inverse() const {
    // The adjugate (A, B, C) makes the product with this a scalar F of Fp2.
    const Fp2 a = c0.square() - (c1 * c2).mul_by_xi();
    const Fp2 b = c2.square().mul_by_xi() - c0 * c1;
    const Fp2 c = c1.square() - c0 * c2;
    const Fp2 f_inverse = (c0 * a + (c2 * b + c1 * c).mul_by_xi()).inverse();
    return {a * f_inverse, b * f_inverse, c * f_inverse};
}

}  // namespace ic::bls12_381
