#include "ic/bls12_381_fp.hpp"

namespace ic::bls12_381 {

namespace {

Limbs limbs_from_be(ByteView bytes) {
    Limbs out{};
    const std::size_t n = bytes.size();
    for (std::size_t i = 0; i < n; ++i) {
        const std::size_t bit = 8 * (n - 1 - i);
        out[bit / 64] |= static_cast<std::uint64_t>(bytes[i]) << (bit % 64);
    }
    return out;
}

}  // namespace

std::optional<Fp> Fp::from_bytes(ByteView bytes48) {
    if (bytes48.size() != 48) return std::nullopt;
    const Limbs v = limbs_from_be(bytes48);
    if (!detail::less(v, detail::modulus)) return std::nullopt;
    return Fp(detail::mont_mul(v, detail::r2));
}

Fp Fp::from_wide_bytes(ByteView bytes64) {
    // value = high * 2^384 + low with high < 2^128 and low < 2^384; Montgomery multiplication
    // accepts one unreduced input, so each half is lifted and reduced in one step.
    const Limbs high = limbs_from_be(bytes64.first(16));
    const Limbs low = limbs_from_be(bytes64.subspan(16, 48));
    return Fp(detail::mont_mul(high, detail::r3)) + Fp(detail::mont_mul(low, detail::r2));
}

std::array<std::uint8_t, 48> Fp::to_bytes() const {
    const Limbs v = canonical();
    std::array<std::uint8_t, 48> out{};
    for (std::size_t i = 0; i < 48; ++i) {
        const std::size_t bit = 8 * (47 - i);
        out[i] = static_cast<std::uint8_t>(v[bit / 64] >> (bit % 64));
    }
    return out;
}

Fp Fp::pow(const Limbs& e) const {
    Fp result = one();
    for (std::size_t i = 6; i-- > 0;) {
        for (int bit = 63; bit >= 0; --bit) {
            result = result.square();
            if ((e[i] >> bit) & 1) result *= *this;
        }
    }
    return result;
}

std::optional<Fp> Fp::sqrt() const {
    const Fp root = pow(detail::p_plus_1_div_4);
    if (root.square() != *this) return std::nullopt;
    return root;
}

}  // namespace ic::bls12_381
