#include "ic/bls12_381_g1.hpp"

#include <string>

#include "ic/error.hpp"

namespace ic::bls12_381 {

G1Affine g1_generator() {
    static constexpr G1Affine g{
        Fp::from_hex("0x17f1d3a73197d7942695638c4fa9ac0fc3688c4f9774b905a14e3a3f171bac586c55e83f"
                     "f97a1aeffb3af00adb22c6bb"),
        Fp::from_hex("0x08b3f481e3aaa0f1a09e30ed741d8ae4fcf5e095d5d00af600db18cb2c04b3edd03cc744"
                     "a2888ae40caa232946c5e7e1")};
    return g;
}

bool in_g1(const G1Affine& point) {
    // Scott, "A note on group membership tests for G1, G2 and GT on BLS pairing-friendly curves"
    // (2021): with beta the cube root of unity for which sigma(x, y) = (beta x, y) acts on G1 as
    // multiplication by -x^2, a point of E is in G1 exactly when sigma(P) = [-x^2] P. That is a
    // 128-bit multiplication where [r] P = O needs 255 bits.
    static constexpr Fp beta = Fp::from_hex(
        "0x5f19672fdf76ce51ba69c6076a0f77eaddb3a93be6f89688de17d813620a00022e01fffffffefffe");
    static constexpr std::array<std::uint64_t, 1> abs_x{0xd201000000010000};
    const G1 p = G1::from(point);
    const G1 sigma = G1::from({point.x * beta, point.y});
    return sigma == -p.mul(abs_x).mul(abs_x);
}

G1Affine g1_decompress(ByteView bytes) {
    if (bytes.size() != 48) {
        fail(ErrorKind::Verification,
             "has " + std::to_string(bytes.size()) + " bytes, not 48 (a compressed G1 point)");
    }
    const ZcashFlags flags = ZcashFlags::of(bytes[0]);
    if (!flags.compressed) fail(ErrorKind::Verification, "is not compressed (flag bit 0x80 clear)");
    std::array<std::uint8_t, 48> x_bytes{};
    std::copy(bytes.begin(), bytes.end(), x_bytes.begin());
    x_bytes[0] &= static_cast<std::uint8_t>(~ZcashFlags::all);
    if (flags.infinity) fail(ErrorKind::Verification, "is the point at infinity");
    const std::optional<Fp> x = Fp::from_bytes(x_bytes);
    if (!x) fail(ErrorKind::Verification, "has an x coordinate that is not below p");
    std::optional<Fp> y = (x->square() * *x + g1_b).sqrt();
    if (!y) fail(ErrorKind::Verification, "is not on the curve (x^3 + 4 has no square root)");
    if (y->lexicographically_largest() != flags.sign) y = -*y;
    const G1Affine point{*x, *y};
    if (!in_g1(point)) fail(ErrorKind::Verification, "is on the curve but not in the group G1");
    return point;
}

std::array<std::uint8_t, 48> g1_compress(const G1Affine& point) {
    std::array<std::uint8_t, 48> out = point.x.to_bytes();
    out[0] |= ZcashFlags::compressed_bit;
    if (point.y.lexicographically_largest()) out[0] |= ZcashFlags::sign_bit;
    return out;
}

}  // namespace ic::bls12_381
