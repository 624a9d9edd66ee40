#include "ic/bls12_381_pairing.hpp"

#include <vector>

namespace ic::bls12_381 {

namespace {

// |x| of the curve; x itself is negative.
constexpr std::uint64_t curve_x = 0xd201000000010000;

// The twist's point T of one pair in homogeneous projective coordinates (X/Z, Y/Z), and the G1
// point the lines are evaluated at.
//
// Lines are written for the untwisted points: with E'(Fp2) -> E(Fp12), (x, y) -> (x/w^2, y/w^3),
// the line through T with slope l (on E') evaluated at P = (xP, yP) is, times w^3,
//   (l xT - yT) + (-l xP) w^2 + yP w^3,
// and factors in a proper subfield (w^3, scalars of Fp2) vanish in the final exponentiation, so
// each line is kept up to such a factor.
struct LoopState {
    Fp2 x, y, z;
    G2Affine q;
    Fp neg_xp, yp;

    // Tangent at T, then T = 2T. With B = Y^2 and C = b' Z^2, the tangent times 2YZ is
    // (B - 3C) + (-3 X^2 xP) w^2 + (2 Y Z yP) w^3, and 4 * (2T) = (2XY(B - 9C),
    // (B + 9C)^2 - 108 C^2, 8 B Y Z).
    void double_step(Fp12& f) {
        const Fp2 b = y.square();
        const Fp2 c = z.square() * g2_b;
        const Fp2 c3 = c.doubled() + c;
        const Fp2 c9 = c3.doubled() + c3;
        const Fp2 x2 = x.square();
        const Fp2 yz = y * z;
        f = f.mul_by_line(b - c3, (x2.doubled() + x2) * neg_xp, yz.doubled() * yp);

        const Fp2 c_squared = c.square();
        const Fp2 c_squared_108 = c_squared.doubled().doubled() * Fp::from_u64(27);
        const Fp2 new_x = (x * y).doubled() * (b - c9);
        const Fp2 new_y = (b + c9).square() - c_squared_108;
        const Fp2 new_z = (b * yz).doubled().doubled().doubled();
        x = new_x;
        y = new_y;
        z = new_z;
    }

    // Line through T and Q, then T = T + Q. With theta = Y - yQ Z and lambda = X - xQ Z (the
    // slope is theta / lambda), the line times lambda is (theta xQ - lambda yQ) + (-theta xP) w^2
    // + (lambda yP) w^3; and with H = theta^2 Z + lambda^3 - 2 lambda^2 X,
    // T + Q = (lambda H, theta (lambda^2 X - H) - Y lambda^3, lambda^3 Z).
    void add_step(Fp12& f) {
        const Fp2 theta = y - q.y * z;
        const Fp2 lambda = x - q.x * z;
        f = f.mul_by_line(theta * q.x - lambda * q.y, theta * neg_xp, lambda * yp);

        const Fp2 lambda2 = lambda.square();
        const Fp2 lambda3 = lambda2 * lambda;
        const Fp2 lambda2_x = lambda2 * x;
        const Fp2 h = theta.square() * z + lambda3 - lambda2_x.doubled();
        const Fp2 new_x = lambda * h;
        const Fp2 new_y = theta * (lambda2_x - h) - y * lambda3;
        const Fp2 new_z = lambda3 * z;
        x = new_x;
        y = new_y;
        z = new_z;
    }
};

// f^x in the cyclotomic subgroup, where the inverse is the conjugate (x < 0).
Fp12 pow_x(const Fp12& f) {
    Fp12 acc = f;
    for (int bit = 62; bit >= 0; --bit) {
        acc = acc.cyclotomic_square();
        if ((curve_x >> bit) & 1) acc *= f;
    }
    return acc.conjugate();
}

}  // namespace

Fp12 miller_loop(std::span<const PairingInput> pairs) {
    std::vector<LoopState> states;
    states.reserve(pairs.size());
    for (const auto& [p, q] : pairs) {
        states.push_back(LoopState{q.x, q.y, Fp2::one(), q, -p.x, p.y});
    }
    Fp12 f = Fp12::one();
    for (int bit = 62; bit >= 0; --bit) {
        if (bit != 62) f = f.square();
        for (LoopState& state : states) state.double_step(f);
        if ((curve_x >> bit) & 1) {
            for (LoopState& state : states) state.add_step(f);
        }
    }
    return f.conjugate();  // f_{|x|} inverted up to a subfield factor, for x < 0
}

Fp12 final_exponentiation(const Fp12& f) {
    // Easy part: (p^6 - 1)(p^2 + 1) moves f into the cyclotomic subgroup.
    Fp12 y = f.conjugate() * f.inverse();
    y = y.frobenius().frobenius() * y;
    // Hard part: 3 (p^4 - p^2 + 1) / r = (x - 1)^2 (x + p) (x^2 + p^2 - 1) + 3.
    Fp12 t = pow_x(y) * y.conjugate();                                // y^(x - 1)
    t = pow_x(t) * t.conjugate();                                     // y^((x - 1)^2)
    t = pow_x(t) * t.frobenius();                                     // ... ^(x + p)
    t = pow_x(pow_x(t)) * t.frobenius().frobenius() * t.conjugate();  // ... ^(x^2 + p^2 - 1)
    return t * y.square() * y;
}

bool pairing_product_is_one(std::span<const PairingInput> pairs) {
    return final_exponentiation(miller_loop(pairs)) == Fp12::one();
}

Fp12 pairing(const G1Affine& p, const G2Affine& q) {
    const PairingInput input{p, q};
    return final_exponentiation(miller_loop({&input, 1}));
}

}  // namespace ic::bls12_381
