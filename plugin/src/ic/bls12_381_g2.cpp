#include "ic/bls12_381_g2.hpp"

#include <string>

#include "ic/error.hpp"

namespace ic::bls12_381 {

G2Affine g2_generator() {
    static constexpr G2Affine g{
        {Fp::from_hex("0x024aa2b2f08f0a91260805272dc51051c6e47ad4fa403b02b4510b647ae3d1770bac0326"
                      "a805bbefd48056c8c121bdb8"),
         Fp::from_hex("0x13e02b6052719f607dacd3a088274f65596bd0d09920b61ab5da61bbdc7f5049334cf112"
                      "13945d57e5ac7d055d042b7e")},
        {Fp::from_hex("0x0ce5d527727d6e118cc9cdc6da2e351aadfd9baa8cbdd3a76d429a695160d12c923ac9cc"
                      "3baca289e193548608b82801"),
         Fp::from_hex("0x0606c4a02ea734cc32acd2b02bc28b99cb3e287e85a763af267492ab572e99ab3f370d27"
                      "5cec1da1aaa9075ff05f79be")}};
    return g;
}

G2Affine psi(const G2Affine& q) {
    // Twist to E(Fp12), apply the p-power Frobenius, untwist: with (x, y) -> (x / w^2, y / w^3)
    // that is (conj(x) xi^-((p - 1) / 3), conj(y) xi^-((p - 1) / 2)).
    static const std::array<Fp2, 2> c = [] {
        constexpr Limbs p_minus_1 = [] {
            Limbs e = detail::modulus;
            detail::sub_into(e, detail::small(1));
            return e;
        }();
        const Fp2 xi = Fp2::one().mul_by_xi();
        return std::array<Fp2, 2>{xi.pow(detail::divide(p_minus_1, 3)).inverse(),
                                  xi.pow(detail::divide(p_minus_1, 2)).inverse()};
    }();
    return {q.x.conjugate() * c[0], q.y.conjugate() * c[1]};
}

bool in_g2(const G2Affine& point) {
    // Scott (2021), as for G1: on BLS12 curves a point of E' is in G2 exactly when
    // psi(Q) = [x] Q, a 64-bit multiplication (x < 0) in place of a 255-bit one.
    static constexpr std::array<std::uint64_t, 1> abs_x{0xd201000000010000};
    return G2::from(psi(point)) == -G2::from(point).mul(abs_x);
}

G2Affine g2_decompress(ByteView bytes) {
    if (bytes.size() != 96) {
        fail(ErrorKind::Verification,
             "has " + std::to_string(bytes.size()) + " bytes, not 96 (a compressed G2 point)");
    }
    const ZcashFlags flags = ZcashFlags::of(bytes[0]);
    if (!flags.compressed) fail(ErrorKind::Verification, "is not compressed (flag bit 0x80 clear)");
    if (flags.infinity) fail(ErrorKind::Verification, "is the point at infinity");
    std::array<std::uint8_t, 48> c1_bytes{};
    std::copy(bytes.begin(), bytes.begin() + 48, c1_bytes.begin());
    c1_bytes[0] &= static_cast<std::uint8_t>(~ZcashFlags::all);
    const std::optional<Fp> c1 = Fp::from_bytes(c1_bytes);
    const std::optional<Fp> c0 = Fp::from_bytes(bytes.subspan(48, 48));
    if (!c0 || !c1) fail(ErrorKind::Verification, "has an x coordinate that is not below p");
    const Fp2 x{*c0, *c1};
    std::optional<Fp2> y = (x.square() * x + g2_b).sqrt();
    if (!y)
        fail(ErrorKind::Verification, "is not on the curve (x^3 + 4(1 + u) has no square root)");
    if (y->lexicographically_largest() != flags.sign) y = -*y;
    const G2Affine point{x, *y};
    if (!in_g2(point)) fail(ErrorKind::Verification, "is on the curve but not in the group G2");
    return point;
}

std::array<std::uint8_t, 96> g2_compress(const G2Affine& point) {
    std::array<std::uint8_t, 96> out{};
    const auto c1 = point.x.c1.to_bytes();
    const auto c0 = point.x.c0.to_bytes();
    std::copy(c1.begin(), c1.end(), out.begin());
    std::copy(c0.begin(), c0.end(), out.begin() + 48);
    out[0] |= ZcashFlags::compressed_bit;
    if (point.y.lexicographically_largest()) out[0] |= ZcashFlags::sign_bit;
    return out;
}

}  // namespace ic::bls12_381
