#include "ic/bls12_381_hash_to_curve.hpp"

#include <stdexcept>

#include "ic/sha256.hpp"

namespace ic::bls12_381 {

namespace {

// E': y'^2 = x'^3 + A' x' + B', and the non-square Z of the suite (RFC 9380 section 8.8.1).
constexpr Fp iso_a = Fp::from_hex(
    "0x144698a3b8e9433d693a02c96d4982b0ea985383ee66a8d8e8981aefd881ac98936f8da0e0f97f5cf428082d584c"
    "1d");
constexpr Fp iso_b = Fp::from_hex(
    "0x12e2908d11688030018b12e8753eee3b2016c1f0f24f4070a0b9c14fcef35ef55a23215a316ceaa5d1cc48e98e17"
    "2be0");
constexpr Fp sswu_z = Fp::from_u64(11);

// h_eff = 1 - x, which clears the cofactor of E as fast as a multiplication can (RFC 9380 8.8.1).
constexpr std::array<std::uint64_t, 1> h_eff{0xd201000000010001};

// The 11-isogeny E' -> E (RFC 9380 appendix E.2), lowest degree first.
// x_num = sum k_(1,i) x'^i, i = 0..11
constexpr std::array<Fp, 12> x_num{
    Fp::from_hex("0x11a05f2b1e833340b809101dd99815856b303e88a2d7005ff2627b56cdb4e2c85610c2"
                 "d5f2e62d6eaeac1662734649b7"),
    Fp::from_hex("0x17294ed3e943ab2f0588bab22147a81c7c17e75b2f6a8417f565e33c70d1e86b4838f2"
                 "a6f318c356e834eef1b3cb83bb"),
    Fp::from_hex("0xd54005db97678ec1d1048c5d10a9a1bce032473295983e56878e501ec68e25c958c3e3"
                 "d2a09729fe0179f9dac9edcb0"),
    Fp::from_hex("0x1778e7166fcc6db74e0609d307e55412d7f5e4656a8dbf25f1b33289f1b330835336e2"
                 "5ce3107193c5b388641d9b6861"),
    Fp::from_hex("0xe99726a3199f4436642b4b3e4118e5499db995a1257fb3f086eeb65982fac18985a286"
                 "f301e77c451154ce9ac8895d9"),
    Fp::from_hex("0x1630c3250d7313ff01d1201bf7a74ab5db3cb17dd952799b9ed3ab9097e68f90a0870d"
                 "2dcae73d19cd13c1c66f652983"),
    Fp::from_hex("0xd6ed6553fe44d296a3726c38ae652bfb11586264f0f8ce19008e218f9c86b2a8da2512"
                 "8c1052ecaddd7f225a139ed84"),
    Fp::from_hex("0x17b81e7701abdbe2e8743884d1117e53356de5ab275b4db1a682c62ef0f2753339b7c8"
                 "f8c8f475af9ccb5618e3f0c88e"),
    Fp::from_hex("0x80d3cf1f9a78fc47b90b33563be990dc43b756ce79f5574a2c596c928c5d1de4fa295f"
                 "296b74e956d71986a8497e317"),
    Fp::from_hex("0x169b1f8e1bcfa7c42e0c37515d138f22dd2ecb803a0c5c99676314baf4bb1b7fa3190b"
                 "2edc0327797f241067be390c9e"),
    Fp::from_hex("0x10321da079ce07e272d8ec09d2565b0dfa7dccdde6787f96d50af36003b14866f69b77"
                 "1f8c285decca67df3f1605fb7b"),
    Fp::from_hex("0x6e08c248e260e70bd1e962381edee3d31d79d7e22c837bc23c0bf1bc24c6b68c24b1b8"
                 "0b64d391fa9c8ba2e8ba2d229"),
};
// x_den = x'^10 + sum k_(2,i) x'^i, i = 0..9
constexpr std::array<Fp, 10> x_den{
    Fp::from_hex("0x8ca8d548cff19ae18b2e62f4bd3fa6f01d5ef4ba35b48ba9c9588617fc8ac62b558d68"
                 "1be343df8993cf9fa40d21b1c"),
    Fp::from_hex("0x12561a5deb559c4348b4711298e536367041e8ca0cf0800c0126c2588c48bf5713daa8"
                 "846cb026e9e5c8276ec82b3bff"),
    Fp::from_hex("0xb2962fe57a3225e8137e629bff2991f6f89416f5a718cd1fca64e00b11aceacd6a3d09"
                 "67c94fedcfcc239ba5cb83e19"),
    Fp::from_hex("0x3425581a58ae2fec83aafef7c40eb545b08243f16b1655154cca8abc28d6fd04976d52"
                 "43eecf5c4130de8938dc62cd8"),
    Fp::from_hex("0x13a8e162022914a80a6f1d5f43e7a07dffdfc759a12062bb8d6b44e833b306da9bd29b"
                 "a81f35781d539d395b3532a21e"),
    Fp::from_hex("0xe7355f8e4e667b955390f7f0506c6e9395735e9ce9cad4d0a43bcef24b8982f7400d24"
                 "bc4228f11c02df9a29f6304a5"),
    Fp::from_hex("0x772caacf16936190f3e0c63e0596721570f5799af53a1894e2e073062aede9cea73b35"
                 "38f0de06cec2574496ee84a3a"),
    Fp::from_hex("0x14a7ac2a9d64a8b230b3f5b074cf01996e7f63c21bca68a81996e1cdf9822c580fa5b9"
                 "489d11e2d311f7d99bbdcc5a5e"),
    Fp::from_hex("0xa10ecf6ada54f825e920b3dafc7a3cce07f8d1d7161366b74100da67f3988350382669"
                 "2abba43704776ec3a79a1d641"),
    Fp::from_hex("0x95fc13ab9e92ad4476d6e3eb3a56680f682b4ee96f7d03776df533978f31c1593174e4"
                 "b4b7865002d6384d168ecdd0a"),
};
// y_num = sum k_(3,i) x'^i, i = 0..15
constexpr std::array<Fp, 16> y_num{
    Fp::from_hex("0x90d97c81ba24ee0259d1f094980dcfa11ad138e48a869522b52af6c956543d3cd0c7ae"
                 "e9b3ba3c2be9845719707bb33"),
    Fp::from_hex("0x134996a104ee5811d51036d776fb46831223e96c254f383d0f906343eb67ad34d6c567"
                 "11962fa8bfe097e75a2e41c696"),
    Fp::from_hex("0xcc786baa966e66f4a384c86a3b49942552e2d658a31ce2c344be4b91400da7d26d5216"
                 "28b00523b8dfe240c72de1f6"),
    Fp::from_hex("0x1f86376e8981c217898751ad8746757d42aa7b90eeb791c09e4a3ec03251cf9de405ab"
                 "a9ec61deca6355c77b0e5f4cb"),
    Fp::from_hex("0x8cc03fdefe0ff135caf4fe2a21529c4195536fbe3ce50b879833fd221351adc2ee7f8d"
                 "c099040a841b6daecf2e8fedb"),
    Fp::from_hex("0x16603fca40634b6a2211e11db8f0a6a074a7d0d4afadb7bd76505c3d3ad5544e203f63"
                 "26c95a807299b23ab13633a5f0"),
    Fp::from_hex("0x4ab0b9bcfac1bbcb2c977d027796b3ce75bb8ca2be184cb5231413c4d634f3747a87ac"
                 "2460f415ec961f8855fe9d6f2"),
    Fp::from_hex("0x987c8d5333ab86fde9926bd2ca6c674170a05bfe3bdd81ffd038da6c26c842642f6455"
                 "0fedfe935a15e4ca31870fb29"),
    Fp::from_hex("0x9fc4018bd96684be88c9e221e4da1bb8f3abd16679dc26c1e8b6e6a1f20cabe69d6520"
                 "1c78607a360370e577bdba587"),
    Fp::from_hex("0xe1bba7a1186bdb5223abde7ada14a23c42a0ca7915af6fe06985e7ed1e4d43b9b3f705"
                 "5dd4eba6f2bafaaebca731c30"),
    Fp::from_hex("0x19713e47937cd1be0dfd0b8f1d43fb93cd2fcbcb6caf493fd1183e416389e61031bf3a"
                 "5cce3fbafce813711ad011c132"),
    Fp::from_hex("0x18b46a908f36f6deb918c143fed2edcc523559b8aaf0c2462e6bfe7f911f643249d9cd"
                 "f41b44d606ce07c8a4d0074d8e"),
    Fp::from_hex("0xb182cac101b9399d155096004f53f447aa7b12a3426b08ec02710e807b4633f06c851c"
                 "1919211f20d4c04f00b971ef8"),
    Fp::from_hex("0x245a394ad1eca9b72fc00ae7be315dc757b3b080d4c158013e6632d3c40659cc6cf90a"
                 "d1c232a6442d9d3f5db980133"),
    Fp::from_hex("0x5c129645e44cf1102a159f748c4a3fc5e673d81d7e86568d9ab0f5d396a7ce46ba1049"
                 "b6579afb7866b1e715475224b"),
    Fp::from_hex("0x15e6be4e990f03ce4ea50b3b42df2eb5cb181d8f84965a3957add4fa95af01b2b66502"
                 "7efec01c7704b456be69c8b604"),
};
// y_den = x'^15 + sum k_(4,i) x'^i, i = 0..14
constexpr std::array<Fp, 15> y_den{
    Fp::from_hex("0x16112c4c3a9c98b252181140fad0eae9601a6de578980be6eec3232b5be72e7a07f368"
                 "8ef60c206d01479253b03663c1"),
    Fp::from_hex("0x1962d75c2381201e1a0cbd6c43c348b885c84ff731c4d59ca4a10356f453e01f78a426"
                 "0763529e3532f6102c2e49a03d"),
    Fp::from_hex("0x58df3306640da276faaae7d6e8eb15778c4855551ae7f310c35a5dd279cd2eca6757cd"
                 "636f96f891e2538b53dbf67f2"),
    Fp::from_hex("0x16b7d288798e5395f20d23bf89edb4d1d115c5dbddbcd30e123da489e726af41727364"
                 "f2c28297ada8d26d98445f5416"),
    Fp::from_hex("0xbe0e079545f43e4b00cc912f8228ddcc6d19c9f0f69bbb0542eda0fc9dec916a20b15d"
                 "c0fd2ededda39142311a5001d"),
    Fp::from_hex("0x8d9e5297186db2d9fb266eaac783182b70152c65550d881c5ecd87b6f0f5a6449f38db"
                 "9dfa9cce202c6477faaf9b7ac"),
    Fp::from_hex("0x166007c08a99db2fc3ba8734ace9824b5eecfdfa8d0cf8ef5dd365bc400a0051d5fa9c"
                 "01a58b1fb93d1a1399126a775c"),
    Fp::from_hex("0x16a3ef08be3ea7ea03bcddfabba6ff6ee5a4375efa1f4fd7feb34fd206357132b920f5"
                 "b00801dee460ee415a15812ed9"),
    Fp::from_hex("0x1866c8ed336c61231a1be54fd1d74cc4f9fb0ce4c6af5920abc5750c4bf39b4852cfe2"
                 "f7bb9248836b233d9d55535d4a"),
    Fp::from_hex("0x167a55cda70a6e1cea820597d94a84903216f763e13d87bb5308592e7ea7d4fbc7385e"
                 "a3d529b35e346ef48bb8913f55"),
    Fp::from_hex("0x4d2f259eea405bd48f010a01ad2911d9c6dd039bb61a6290e591b36e636a5c871a5c29"
                 "f4f83060400f8b49cba8f6aa8"),
    Fp::from_hex("0xaccbb67481d033ff5852c1e48c50c477f94ff8aefce42d28c0f9a88cea7913516f9689"
                 "86f7ebbea9684b529e2561092"),
    Fp::from_hex("0xad6b9514c767fe3c3613144b45f1496543346d98adf02267d5ceef9a00d9b869300076"
                 "3e3b90ac11e99b138573345cc"),
    Fp::from_hex("0x2660400eb2e4f3b628bdd0d53cd76f2bf565b94e72927c1cb748df27942480e420517b"
                 "d8714cc80d1fadc1326ed06f7"),
    Fp::from_hex("0xe0fa1d816ddc03e6b24255e0d7819c171c40f65e273b853324efcd6356caa205ca2f57"
                 "0f13497804415473a1d634b8f"),
};

// Horner's rule; `monic` adds the leading x^n with coefficient 1 that x_den and y_den leave out.
template <std::size_t N>
Fp polynomial(const std::array<Fp, N>& coefficients, const Fp& x, bool monic) {
    Fp acc = monic ? Fp::one() : coefficients[N - 1];
    for (std::size_t i = monic ? N : N - 1; i-- > 0;) acc = acc * x + coefficients[i];
    return acc;
}

G1Affine iso_map(const Fp& x, const Fp& y) {
    // One inversion for both denominators. They vanish only on the isogeny's kernel, which SWU
    // outputs never reach; were one zero, the inverse would be zero and so would the point,
    // which then fails every later check.
    const Fp x_den_value = polynomial(x_den, x, true);
    const Fp y_den_value = polynomial(y_den, x, true);
    const Fp inverse = (x_den_value * y_den_value).inverse();
    return {polynomial(x_num, x, false) * y_den_value * inverse,
            y * polynomial(y_num, x, false) * x_den_value * inverse};
}

}  // namespace

Bytes expand_message_xmd(ByteView message, ByteView dst, std::size_t len_in_bytes) {
    constexpr std::size_t b_in_bytes = 32;  // SHA-256 output
    constexpr std::size_t s_in_bytes = 64;  // SHA-256 block
    const std::size_t ell = (len_in_bytes + b_in_bytes - 1) / b_in_bytes;
    if (ell > 255 || len_in_bytes > 65535 || dst.empty() || dst.size() > 255) {
        throw std::invalid_argument("expand_message_xmd: length or DST out of range");
    }
    Bytes dst_prime(dst.begin(), dst.end());
    dst_prime.push_back(static_cast<std::uint8_t>(dst.size()));
    const Bytes z_pad(s_in_bytes, 0);
    const std::array<std::uint8_t, 3> length_and_zero{static_cast<std::uint8_t>(len_in_bytes >> 8),
                                                      static_cast<std::uint8_t>(len_in_bytes), 0};
    const Hash b0 =
        Sha256().update(z_pad).update(message).update(length_and_zero).update(dst_prime).finish();

    Bytes out;
    out.reserve(ell * b_in_bytes);
    Hash previous{};
    for (std::size_t i = 1; i <= ell; ++i) {
        Hash input = b0;
        if (i > 1) {
            for (std::size_t k = 0; k < input.size(); ++k) input[k] ^= previous[k];
        }
        const std::array<std::uint8_t, 1> counter{static_cast<std::uint8_t>(i)};
        previous = Sha256().update(input).update(counter).update(dst_prime).finish();
        out.insert(out.end(), previous.begin(), previous.end());
    }
    out.resize(len_in_bytes);
    return out;
}

std::array<Fp, 2> hash_to_field(ByteView message, ByteView dst) {
    constexpr std::size_t l =
        64;  // ceil((381 + 128) / 8): 128 bits of margin make the bias negligible
    const Bytes uniform = expand_message_xmd(message, dst, 2 * l);
    const ByteView bytes(uniform);
    return {Fp::from_wide_bytes(bytes.first(l)), Fp::from_wide_bytes(bytes.subspan(l, l))};
}

G1Affine map_to_curve(const Fp& u) {
    // Simplified SWU, RFC 9380 section 6.6.2, in its plain (not straight-line) form.
    const Fp u2 = u.square();
    const Fp zu2 = sswu_z * u2;
    const Fp tv1 = (zu2.square() + zu2).inverse();
    // -B/A and B/(Z A) are constants; computed once rather than inverted on every call.
    static const Fp minus_b_over_a = -iso_b * iso_a.inverse();
    static const Fp b_over_za = iso_b * (sswu_z * iso_a).inverse();
    const Fp x1 = tv1.is_zero() ? b_over_za : minus_b_over_a * (Fp::one() + tv1);
    const auto g = [](const Fp& x) { return x.square() * x + iso_a * x + iso_b; };
    Fp x = x1;
    std::optional<Fp> y = g(x1).sqrt();
    if (!y) {
        x = zu2 * x1;
        y = g(x).sqrt();  // g(x2) = Z^3 u^6 g(x1) is a square when g(x1) is not
    }
    Fp root = y.value();
    if (u.sgn0() != root.sgn0()) root = -root;
    return iso_map(x, root);
}

G1 hash_to_g1(ByteView message, ByteView dst) {
    const std::array<Fp, 2> u = hash_to_field(message, dst);
    const G1 sum = G1::from(map_to_curve(u[0])) + G1::from(map_to_curve(u[1]));
    return sum.mul(h_eff);
}

}  // namespace ic::bls12_381
