// BLS12-381 from the field up: field laws, points and their encodings, the pairing's
// bilinearity, RFC 9380 hashing vectors, and BLS signatures (a fixed vector from @noble/curves,
// then every kind of forgery the verifier must refuse). The random cross-check against
// @noble/curves lives in tests/crosscheck (bls_vectors.mjs).
#include "ic/bls.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "bls_test_signer.hpp"
#include "ic/bls12_381_fp12.hpp"
#include "ic/bls12_381_g1.hpp"
#include "ic/bls12_381_g2.hpp"
#include "ic/bls12_381_hash_to_curve.hpp"
#include "ic/bls12_381_pairing.hpp"
#include "ic/certificate.hpp"
#include "ic/error.hpp"
#include "replica_certificate.hpp"

namespace ic {
namespace {

using namespace bls12_381;

struct HashToCurveVector {
    const char* msg;
    const char* px;
    const char* py;
    const char* u0;
    const char* u1;
    const char* q0x;
    const char* q0y;
    const char* q1x;
    const char* q1y;
};
struct ExpandVector {
    const char* msg;
    std::size_t len;
    const char* uniform_bytes;
};

// RFC 9380 appendix J.9.1, BLS12381G1_XMD:SHA-256_SSWU_RO_.
const HashToCurveVector hash_to_curve_vectors[] = {
    {"",
     "052926add2207b76ca4fa57a8734416c8dc95e24501772c814278700eed6d1e4e8cf62d9c09db0fa"
     "c349612b759e79a1",
     "08ba738453bfed09cb546dbb0783dbb3a5f1f566ed67bb6be0e8c67e2e81a4cc68ee29813bb79949"
     "98f3eae0c9c6a265",
     "0ba14bd907ad64a016293ee7c2d276b8eae71f25a4b941eece7b0d89f17f75cb3ae5438a614fb61d"
     "6835ad59f29c564f",
     "019b9bd7979f12657976de2884c7cce192b82c177c80e0ec604436a7f538d231552f0d96d9f7babe"
     "5fa3b19b3ff25ac9",
     "11a3cce7e1d90975990066b2f2643b9540fa40d6137780df4e753a8054d07580db3b7f1f03396333"
     "d4a359d1fe3766fe",
     "0eeaf6d794e479e270da10fdaf768db4c96b650a74518fc67b04b03927754bac66f3ac720404f339"
     "ecdcc028afa091b7",
     "160003aaf1632b13396dbad518effa00fff532f604de1a7fc2082ff4cb0afa2d63b2c32da1bef2bf"
     "6c5ca62dc6b72f9c",
     "0d8bb2d14e20cf9f6036152ed386d79189415b6d015a20133acb4e019139b94e9c146aaad5817f86"
     "6c95d609a361735e"},
    {"abc",
     "03567bc5ef9c690c2ab2ecdf6a96ef1c139cc0b2f284dca0a9a7943388a49a3aee664ba5379a7655"
     "d3c68900be2f6903",
     "0b9c15f3fe6e5cf4211f346271d7b01c8f3b28be689c8429c85b67af215533311f0b8dfaaa154fa6"
     "b88176c229f2885d",
     "0d921c33f2bad966478a03ca35d05719bdf92d347557ea166e5bba579eea9b83e9afa5c088573c22"
     "81410369fbd32951",
     "003574a00b109ada2f26a37a91f9d1e740dffd8d69ec0c35e1e9f4652c7dba61123e9dd2e76c655d"
     "956e2b3462611139",
     "125435adce8e1cbd1c803e7123f45392dc6e326d292499c2c45c5865985fd74fe8f042ecdeeec5ec"
     "ac80680d04317d80",
     "0e8828948c989126595ee30e4f7c931cbd6f4570735624fd25aef2fa41d3f79cfb4b4ee7b7e55a8c"
     "e013af2a5ba20bf2",
     "11def93719829ecda3b46aa8c31fc3ac9c34b428982b898369608e4f042babee6c77ab9218aad5c8"
     "7ba785481eff8ae4",
     "0007c9cef122ccf2efd233d6eb9bfc680aa276652b0661f4f820a653cec1db7ff69899f8e52b8e92"
     "b025a12c822a6ce6"},
    {"abcdef0123456789",
     "11e0b079dea29a68f0383ee94fed1b940995272407e3bb916bbf268c263ddd57a6a27200a784cbc2"
     "48e84f357ce82d98",
     "03a87ae2caf14e8ee52e51fa2ed8eefe80f02457004ba4d486d6aa1f517c0889501dc7413753f959"
     "9b099ebcbbd2d709",
     "062d1865eb80ebfa73dcfc45db1ad4266b9f3a93219976a3790ab8d52d3e5f1e62f3b01795e36834"
     "b17b70e7b76246d4",
     "0cdc3e2f271f29c4ff75020857ce6c5d36008c9b48385ea2f2bf6f96f428a3deb798aa033cd482d1"
     "cdc8b30178b08e3a",
     "08834484878c217682f6d09a4b51444802fdba3d7f2df9903a0ddadb92130ebbfa807fffa0eabf25"
     "7d7b48272410afff",
     "0b318f7ecf77f45a0f038e62d7098221d2dbbca2a394164e2e3fe953dc714ac2cde412d8f2d7f0c0"
     "3b259e6795a2508e",
     "158418ed6b27e2549f05531a8281b5822b31c3bf3144277fbb977f8d6e2694fedceb7011b3c2b192"
     "f23e2a44b2bd106e",
     "1879074f344471fac5f839e2b4920789643c075792bec5af4282c73f7941cda5aa77b00085eb10e2"
     "06171b9787c4169f"},
    {"q128_qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq"
     "qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq",
     "15f68eaa693b95ccb85215dc65fa81038d69629f70aeee0d0f677cf22285e7bf58d7cb86eefe8f2e"
     "9bc3f8cb84fac488",
     "1807a1d50c29f430b8cafc4f8638dfeeadf51211e1602a5f184443076715f91bb90a48ba1e370edc"
     "e6ae1062f5e6dd38",
     "010476f6a060453c0b1ad0b628f3e57c23039ee16eea5e71bb87c3b5419b1255dc0e5883322e563b"
     "84a29543823c0e86",
     "0b1a912064fb0554b180e07af7e787f1f883a0470759c03c1b6509eb8ce980d1670305ae7b928226"
     "bb58fdc0a419f46e",
     "0cbd7f84ad2c99643fea7a7ac8f52d63d66cefa06d9a56148e58b984b3dd25e1f41ff47154543343"
     "949c64f88d48a710",
     "052c00e4ed52d000d94881a5638ae9274d3efc8bc77bc0e5c650de04a000b2c334a9e80b85282a00"
     "f3148dfdface0865",
     "06493fb68f0d513af08be0372f849436a787e7b701ae31cb964d968021d6ba6bd7d26a38aaa5a68e"
     "8c21a6b17dc8b579",
     "02e98f2ccf5802b05ffaac7c20018bc0c0b2fd580216c4aa2275d2909dc0c92d0d0bdc979226adeb"
     "57a29933536b6bb4"},
    {"a512_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
     "082aabae8b7dedb0e78aeb619ad3bfd9277a2f77ba7fad20ef6aabdc6c31d19ba5a6d12283553294"
     "c1825c4b3ca2dcfe",
     "05b84ae5a942248eea39e1d91030458c40153f3b654ab7872d779ad1e942856a20c438e8d99bc8ab"
     "fbf74729ce1f7ac8",
     "0a8ffa7447f6be1c5a2ea4b959c9454b431e29ccc0802bc052413a9c5b4f9aac67a93431bd480d15"
     "be1e057c8a08e8c6",
     "05d487032f602c90fa7625dbafe0f4a49ef4a6b0b33d7bb349ff4cf5410d297fd6241876e3e77b65"
     "1cfc8191e40a68b7",
     "0cf97e6dbd0947857f3e578231d07b309c622ade08f2c08b32ff372bd90db19467b2563cc997d440"
     "7968d4ac80e154f8",
     "127f0cddf2613058101a5701f4cb9d0861fd6c2a1b8e0afe194fccf586a3201a53874a2761a9ab6d"
     "7220c68661a35ab3",
     "092f1acfa62b05f95884c6791fba989bbe58044ee6355d100973bf9553ade52b47929264e6ae770f"
     "b264582d8dce512a",
     "028e6d0169a72cfedb737be45db6c401d3adfb12c58c619c82b93a5dfcccef12290de530b0480575"
     "ddc8397cda0bbebf"},
};
// RFC 9380 appendix K.1, expand_message_xmd(SHA-256), DST QUUX-V01-CS02-with-expander-SHA256-128.
const ExpandVector expand_vectors[] = {
    {"", 32, "68a985b87eb6b46952128911f2a4412bbc302a9d759667f87f7a21d803f07235"},
    {"abc", 32, "d8ccab23b5985ccea865c6c97b6e5b8350e794e603b4b97902f53a8a0d605615"},
    {"abcdef0123456789", 32, "eff31487c770a893cfb36f912fbfcbff40d5661771ca4b2cb4eafe524333f5c1"},
    {"q128_qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq"
     "qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq",
     32, "b23a1d2b4d97b2ef7785562a7e8bac7eed54ed6e97e29aa51bfe3f12ddad1ff9"},
    {"a512_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
     32, "4623227bcc01293b8c130bf771da8c298dede7383243dc0993d2d94823958c4c"},
    {"", 128,
     "af84c27ccfd45d41914fdff5df25293e221afc53d8ad2ac06d5e3e29485dadbee0d121587713a3e0"
     "dd4d5e69e93eb7cd4f5df4cd103e188cf60cb02edc3edf18eda8576c412b18ffb658e3dd6ec84946"
     "9b979d444cf7b26911a08e63cf31f9dcc541708d3491184472c2c29bb749d4286b004ceb5ee6b9a7"
     "fa5b646c993f0ced"},
    {"abc", 128,
     "abba86a6129e366fc877aab32fc4ffc70120d8996c88aee2fe4b32d6c7b6437a647e6c3163d40b76"
     "a73cf6a5674ef1d890f95b664ee0afa5359a5c4e07985635bbecbac65d747d3d2da7ec2b8221b17b"
     "0ca9dc8a1ac1c07ea6a1e60583e2cb00058e77b7b72a298425cd1b941ad4ec65e8afc50303a22c0f"
     "99b0509b4c895f40"},
    {"abcdef0123456789", 128,
     "ef904a29bffc4cf9ee82832451c946ac3c8f8058ae97d8d629831a74c6572bd9ebd0df635cd1f208"
     "e2038e760c4994984ce73f0d55ea9f22af83ba4734569d4bc95e18350f740c07eef653cbb9f87910"
     "d833751825f0ebefa1abe5420bb52be14cf489b37fe1a72f7de2d10be453b2c9d9eb20c7e3f6edc5"
     "a60629178d9478df"},
    {"q128_qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq"
     "qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq",
     128,
     "80be107d0884f0d881bb460322f0443d38bd222db8bd0b0a5312a6fedb49c1bbd88fd75d8b9a0948"
     "6c60123dfa1d73c1cc3169761b17476d3c6b7cbbd727acd0e2c942f4dd96ae3da5de368d26b32286"
     "e32de7e5a8cb2949f866a0b80c58116b29fa7fabb3ea7d520ee603e0c25bcaf0b9a5e92ec6a1fe4e"
     "0391d1cdbce8c68a"},
    {"a512_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
     128,
     "546aff5444b5b79aa6148bd81728704c32decb73a3ba76e9e75885cad9def1d06d6792f8a7d12794"
     "e90efed817d96920d728896a4510864370c207f99bd4a608ea121700ef01ed879745ee3e4ceef777"
     "eda6d9e5e38b90c86ea6fb0b36504ba4a45d22e86f6db5dd43d98a294bebb9125d5b794e9d2a8118"
     "1066eb954966a487"},
};

constexpr std::string_view rfc_dst = "QUUX-V01-CS02-with-BLS12381G1_XMD:SHA-256_SSWU_RO_";
constexpr std::string_view expander_dst = "QUUX-V01-CS02-with-expander-SHA256-128";

Fp fp_hex(const char* hex) { return Fp::from_bytes(from_hex(hex)).value(); }

// Small pseudo-random field elements, so the algebraic laws are tried on unremarkable values.
Fp fp_sample(std::uint64_t seed) {
    Fp x = Fp::from_u64(seed * 0x9e3779b97f4a7c15 + 1);
    for (int i = 0; i < 3; ++i) x = x.square() + Fp::from_u64(seed + 7);
    return x;
}
Fp2 fp2_sample(std::uint64_t seed) { return {fp_sample(seed), fp_sample(seed + 1000)}; }
Fp12 fp12_sample(std::uint64_t seed) {
    return {{fp2_sample(seed), fp2_sample(seed + 1), fp2_sample(seed + 2)},
            {fp2_sample(seed + 3), fp2_sample(seed + 4), fp2_sample(seed + 5)}};
}

template <typename F>
F pow_u64(const F& base, std::uint64_t e) {
    F acc = F::one();
    for (int bit = 63; bit >= 0; --bit) {
        acc = acc.square();
        if ((e >> bit) & 1) acc = acc * base;
    }
    return acc;
}

std::array<std::uint64_t, 1> scalar(std::uint64_t k) { return {k}; }

// ---- fields ---------------------------------------------------------------------------------

TEST(Bls12381Field, ModulusWrapsAround) {
    const Fp p_minus_1 = fp_hex(
        "1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffff"
        "ffffaaaa");
    EXPECT_TRUE((p_minus_1 + Fp::one()).is_zero());
    EXPECT_EQ(-Fp::one(), p_minus_1);
    EXPECT_EQ(p_minus_1 * p_minus_1, Fp::one());
    EXPECT_FALSE(
        Fp::from_bytes(
            from_hex("1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153"
                     "ffffb9feffffffffaaab"))
            .has_value());  // p itself is not a canonical encoding
    EXPECT_EQ(Fp::from_u64(12345).to_bytes()[47], 12345 % 256);
    EXPECT_EQ(Fp::from_u64(12345).to_bytes()[46], 12345 / 256);
}

TEST(Bls12381Field, FpLaws) {
    for (std::uint64_t seed = 1; seed < 20; ++seed) {
        const Fp a = fp_sample(seed), b = fp_sample(seed + 50), c = fp_sample(seed + 99);
        EXPECT_EQ(a * (b + c), a * b + a * c);
        EXPECT_EQ((a - b) + b, a);
        EXPECT_EQ(a * a.inverse(), Fp::one());
        EXPECT_EQ(Fp::from_bytes(a.to_bytes()).value(), a);
        const Fp square = a.square();
        const std::optional<Fp> root = square.sqrt();
        ASSERT_TRUE(root.has_value());
        EXPECT_TRUE(*root == a || *root == -a);
        // -1 is not a square (p = 3 mod 4), so exactly one of a^2 and -a^2 has a root.
        EXPECT_FALSE((-square).sqrt().has_value());
    }
    EXPECT_TRUE(Fp::zero().inverse().is_zero());
}

TEST(Bls12381Field, Fp2Laws) {
    for (std::uint64_t seed = 1; seed < 20; ++seed) {
        const Fp2 a = fp2_sample(seed), b = fp2_sample(seed + 50);
        EXPECT_EQ(a * b, b * a);
        EXPECT_EQ(a.square(), a * a);
        EXPECT_EQ(a * a.inverse(), Fp2::one());
        EXPECT_EQ(a.mul_by_xi(), a * (Fp2{Fp::one(), Fp::one()}));
        const std::optional<Fp2> root = a.square().sqrt();
        ASSERT_TRUE(root.has_value());
        EXPECT_TRUE(*root == a || *root == -a);
    }
    // u^2 = -1, and the roots of elements of Fp (which always have one in Fp2).
    const Fp2 u{Fp::zero(), Fp::one()};
    EXPECT_EQ(u.square(), -Fp2::one());
    EXPECT_EQ((-Fp2::one()).sqrt().value().square(), -Fp2::one());
    const Fp2 five{Fp::from_u64(5), Fp::zero()};
    EXPECT_EQ(five.sqrt().value().square(), five);
}

TEST(Bls12381Field, Fp12Laws) {
    const Fp12 a = fp12_sample(1), b = fp12_sample(10), c = fp12_sample(20);
    EXPECT_EQ(a * b, b * a);
    EXPECT_EQ((a * b) * c, a * (b * c));
    EXPECT_EQ(a.square(), a * a);
    EXPECT_EQ(a * a.inverse(), Fp12::one());
    // Frobenius is a field automorphism of order 12 whose sixth power is the conjugation.
    EXPECT_EQ((a * b).frobenius(), a.frobenius() * b.frobenius());
    Fp12 f = a;
    for (int i = 0; i < 6; ++i) f = f.frobenius();
    EXPECT_EQ(f, a.conjugate());
    for (int i = 0; i < 6; ++i) f = f.frobenius();
    EXPECT_EQ(f, a);
    EXPECT_NE(a.frobenius(), a);
    // Granger-Scott squaring agrees with squaring on the cyclotomic subgroup, which the easy
    // part of the final exponentiation maps into, and only there.
    Fp12 cyclotomic = a.conjugate() * a.inverse();
    cyclotomic = cyclotomic.frobenius().frobenius() * cyclotomic;
    EXPECT_EQ(cyclotomic.cyclotomic_square(), cyclotomic.square());
    EXPECT_EQ(cyclotomic.cyclotomic_square().cyclotomic_square(), cyclotomic.square().square());
    EXPECT_NE(a.cyclotomic_square(), a.square());
    // The line shape the Miller loop multiplies by.
    const Fp2 x = fp2_sample(31), y = fp2_sample(32), z = fp2_sample(33);
    const Fp12 line{{x, y, Fp2::zero()}, {Fp2::zero(), z, Fp2::zero()}};
    EXPECT_EQ(a.mul_by_line(x, y, z), a * line);
}

// ---- points ---------------------------------------------------------------------------------

TEST(Bls12381Points, GeneratorsAreOnTheCurvesAndInTheGroups) {
    EXPECT_TRUE(g1_generator().on_curve(g1_b));
    EXPECT_TRUE(g2_generator().on_curve(g2_b));
    EXPECT_TRUE(in_g1(g1_generator()));
    EXPECT_TRUE(in_g2(g2_generator()));
    // The generators' well-known compressed forms.
    EXPECT_EQ(to_hex(g1_compress(g1_generator())),
              "97f1d3a73197d7942695638c4fa9ac0fc3688c4f9774b905a14e3a3f171bac586c55e83ff97a1aeffb3a"
              "f00adb22c6bb");
    EXPECT_EQ(to_hex(g2_compress(g2_generator())),
              "93e02b6052719f607dacd3a088274f65596bd0d09920b61ab5da61bbdc7f5049334cf11213945d57e5ac"
              "7d055d042b7e024aa2b2f08f0a91260805272dc51051c6e47ad4fa403b02b4510b647ae3d1770bac0326"
              "a805bbefd48056c8c121bdb8");
}

// Points of the curves outside the prime-order subgroups: an x whose x^3 + b is a square.
G1Affine g1_point_outside_group(std::uint64_t start) {
    for (std::uint64_t i = start;; ++i) {
        const Fp x = Fp::from_u64(i);
        if (auto y = (x.square() * x + g1_b).sqrt()) {
            const G1Affine p{x, *y};
            if (!G1::from(p).mul(group_order).is_infinity()) return p;
        }
    }
}
G2Affine g2_point_outside_group(std::uint64_t start) {
    for (std::uint64_t i = start;; ++i) {
        const Fp2 x{Fp::from_u64(i), Fp::one()};
        if (auto y = (x.square() * x + g2_b).sqrt()) {
            const G2Affine q{x, *y};
            if (!G2::from(q).mul(group_order).is_infinity()) return q;
        }
    }
}

TEST(Bls12381Points, SubgroupChecksAgreeWithMultiplicationByTheOrder) {
    // The endomorphism tests against the definition, [r] P = O, on both sides of the line.
    for (std::uint64_t k = 1; k < 6; ++k) {
        const G1Affine inside = G1::from(g1_generator()).mul(scalar(k * 31337)).to_affine().value();
        EXPECT_TRUE(G1::from(inside).mul(group_order).is_infinity());
        EXPECT_TRUE(in_g1(inside));
        const G1Affine outside = g1_point_outside_group(k * 10);
        EXPECT_TRUE(outside.on_curve(g1_b));
        EXPECT_FALSE(in_g1(outside));
        // An outside point plus an inside one is still outside.
        EXPECT_FALSE(in_g1((G1::from(outside) + G1::from(inside)).to_affine().value()));

        const G2Affine inside2 =
            G2::from(g2_generator()).mul(scalar(k * 31337)).to_affine().value();
        EXPECT_TRUE(in_g2(inside2));
        const G2Affine outside2 = g2_point_outside_group(k * 10);
        EXPECT_TRUE(outside2.on_curve(g2_b));
        EXPECT_FALSE(in_g2(outside2));
    }
    // psi acts on G2 as multiplication by x = -0xd201000000010000.
    const G2 g = G2::from(g2_generator());
    EXPECT_EQ(G2::from(psi(g2_generator())), -g.mul(scalar(0xd201000000010000)));
}

TEST(Bls12381Points, GroupLaw) {
    const G1 g = G1::from(g1_generator());
    EXPECT_EQ(g + g, g.doubled());
    EXPECT_EQ(g.mul(scalar(5)), g.doubled().doubled() + g);
    EXPECT_EQ(g.mul(scalar(7)) + (-g.mul(scalar(3))), g.mul(scalar(4)));
    EXPECT_TRUE((g + -g).is_infinity());
    EXPECT_EQ(g + G1::infinity(), g);
    const G2 h = G2::from(g2_generator());
    EXPECT_EQ(h.mul(scalar(6)), (h + h + h).doubled());
    EXPECT_TRUE((h.mul(scalar(3)) + -h.mul(scalar(3))).is_infinity());
}

TEST(Bls12381Points, CompressionRoundTrips) {
    for (std::uint64_t k = 1; k < 12; ++k) {
        const G1Affine p = G1::from(g1_generator()).mul(scalar(k * 7919)).to_affine().value();
        EXPECT_EQ(g1_decompress(g1_compress(p)), p);
        EXPECT_EQ(g1_decompress(g1_compress(-p)), -p);
        const G2Affine q = G2::from(g2_generator()).mul(scalar(k * 104729)).to_affine().value();
        EXPECT_EQ(g2_decompress(g2_compress(q)), q);
        EXPECT_EQ(g2_decompress(g2_compress(-q)), -q);
    }
}

// ---- pairing --------------------------------------------------------------------------------

TEST(Bls12381Pairing, IsBilinearAndNonDegenerate) {
    const G1 p = G1::from(g1_generator());
    const G2 q = G2::from(g2_generator());
    const Fp12 base = pairing(g1_generator(), g2_generator());
    EXPECT_NE(base, Fp12::one());
    const Fp12 left = pairing(p.mul(scalar(6)).to_affine().value(), q.to_affine().value());
    const Fp12 right = pairing(p.to_affine().value(), q.mul(scalar(6)).to_affine().value());
    const Fp12 mixed =
        pairing(p.mul(scalar(2)).to_affine().value(), q.mul(scalar(3)).to_affine().value());
    EXPECT_EQ(left, right);
    EXPECT_EQ(left, mixed);
    EXPECT_EQ(left, pow_u64(base, 6));
    EXPECT_NE(left, pow_u64(base, 5));
    // e(-P, Q) e(P, Q) = 1 through the two-loop product a verification uses.
    const std::array<PairingInput, 2> pairs{PairingInput{-g1_generator(), g2_generator()},
                                            PairingInput{g1_generator(), g2_generator()}};
    EXPECT_TRUE(pairing_product_is_one(pairs));
    const std::array<PairingInput, 2> unbalanced{PairingInput{-g1_generator(), g2_generator()},
                                                 PairingInput{g1_generator(), -g2_generator()}};
    EXPECT_FALSE(pairing_product_is_one(unbalanced));
    // Values land in the r-th roots of unity.
    const Fp12 r_th = [&] {
        Fp12 acc = Fp12::one();
        for (std::size_t i = group_order.size(); i-- > 0;) {
            for (int bit = 63; bit >= 0; --bit) {
                acc = acc.square();
                if ((group_order[i] >> bit) & 1) acc = acc * base;
            }
        }
        return acc;
    }();
    EXPECT_EQ(r_th, Fp12::one());
}

// e(g1, g2) as @noble/curves computes it (bls12_381.pairing, same tower, same final
// exponentiation), coefficients c0.c0.c0, c0.c0.c1, c0.c1.c0, ... c1.c2.c1. Bilinearity cannot
// tell a pairing from its inverse; this can.
constexpr const char* noble_pairing_of_generators[12] = {
    "1250ebd871fc0a92a7b2d83168d0d727272d441befa15c503dd8e90ce98db3e7b6d194f60839c508a84305aaca1789"
    "b6",
    "089a1c5b46e5110b86750ec6a532348868a84045483c92b7af5af689452eafabf1a8943e50439f1d59882a98eaa017"
    "0f",
    "1368bb445c7c2d209703f239689ce34c0378a68e72a6b3b216da0e22a5031b54ddff57309396b38c881c4c849ec23e"
    "87",
    "193502b86edb8857c273fa075a50512937e0794e1e65a7617c90d8bd66065b1fffe51d7a579973b1315021ec3c1993"
    "4f",
    "01b2f522473d171391125ba84dc4007cfbf2f8da752f7c74185203fcca589ac719c34dffbbaad8431dad1c1fb597aa"
    "a5",
    "018107154f25a764bd3c79937a45b84546da634b8f6be14a8061e55cceba478b23f7dacaa35c8ca78beae9624045b4"
    "b6",
    "19f26337d205fb469cd6bd15c3d5a04dc88784fbb3d0b2dbdea54d43b2b73f2cbb12d58386a8703e0f948226e47ee8"
    "9d",
    "06fba23eb7c5af0d9f80940ca771b6ffd5857baaf222eb95a7d2809d61bfe02e1bfd1b68ff02f0b8102ae1c2d5d5ab"
    "1a",
    "11b8b424cd48bf38fcef68083b0b0ec5c81a93b330ee1a677d0d15ff7b984e8978ef48881e32fac91b93b47333e2ba"
    "57",
    "03350f55a7aefcd3c31b4fcb6ce5771cc6a0e9786ab5973320c806ad360829107ba810c5a09ffdd9be2291a0c25a99"
    "a2",
    "04c581234d086a9902249b64728ffd21a189e87935a954051c7cdba7b3872629a4fafc05066245cb9108f0242d0fe3"
    "ef",
    "0f41e58663bf08cf068672cbd01a7ec73baca4d72ca93544deff686bfd6df543d48eaa24afe47e1efde449383b6766"
    "31"};

TEST(Bls12381Pairing, MatchesNobleOnTheGenerators) {
    Fp c[12];
    for (int i = 0; i < 12; ++i) c[i] = fp_hex(noble_pairing_of_generators[i]);
    const Fp12 expected{{{c[0], c[1]}, {c[2], c[3]}, {c[4], c[5]}},
                        {{c[6], c[7]}, {c[8], c[9]}, {c[10], c[11]}}};
    EXPECT_EQ(pairing(g1_generator(), g2_generator()), expected);
}

// ---- hashing to G1 --------------------------------------------------------------------------

TEST(Bls12381HashToCurve, ExpandMessageXmdMatchesRfc9380) {
    for (const ExpandVector& v : expand_vectors) {
        EXPECT_EQ(to_hex(expand_message_xmd(view(v.msg), view(expander_dst), v.len)),
                  v.uniform_bytes)
            << "msg '" << v.msg << "', " << v.len << " bytes";
    }
}

TEST(Bls12381HashToCurve, MatchesRfc9380Vectors) {
    for (const HashToCurveVector& v : hash_to_curve_vectors) {
        SCOPED_TRACE(std::string("msg '") + v.msg + "'");
        const std::array<Fp, 2> u = hash_to_field(view(v.msg), view(rfc_dst));
        EXPECT_EQ(u[0], fp_hex(v.u0));
        EXPECT_EQ(u[1], fp_hex(v.u1));
        EXPECT_EQ(map_to_curve(u[0]), (G1Affine{fp_hex(v.q0x), fp_hex(v.q0y)}));
        EXPECT_EQ(map_to_curve(u[1]), (G1Affine{fp_hex(v.q1x), fp_hex(v.q1y)}));
        const G1Affine p = hash_to_g1(view(v.msg), view(rfc_dst)).to_affine().value();
        EXPECT_EQ(p, (G1Affine{fp_hex(v.px), fp_hex(v.py)}));
        EXPECT_TRUE(in_g1(p));
    }
}

// ---- signatures -----------------------------------------------------------------------------

// Made once with @noble/curves (bls12_381.shortSignatures, secret key 0d0a0b0c...2728).
constexpr char noble_public_key[] =
    "85a1797ef48d3e197cc0d8c010b6a9c8c7421e740fd80b23dd76aca81b0ab2b2e521a9ccd067dd8c604da9d9239f"
    "66ac0f81e8f6e6ab6f3d06fbf58756ee612e33530d876220b119c23820452a797031309e198d3b62ec834035948f"
    "5070cedd";
constexpr char noble_signature[] =
    "8efa8005269241b147336761c17719a1e368f7deed44d3917b09dbcfcc6ee354ac184bbbae3e06bb19dc02c3b13b"
    "83a1";
constexpr std::string_view noble_message = "juno-cmake BLS12-381 fixed vector";

Bytes flip(Bytes bytes, std::size_t bit) {
    bytes[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
    return bytes;
}

// The message of ic::Error thrown by a verification, failing the test when there is none.
std::string refusal(ByteView key, ByteView signature, ByteView message) {
    try {
        bls_verify_or_throw(key, signature, message);
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Verification);
        EXPECT_FALSE(bls_verify(key, signature, message));
        return e.what();
    }
    ADD_FAILURE() << "accepted";
    return "";
}

TEST(BlsVerify, AcceptsASignatureMadeByNoble) {
    EXPECT_TRUE(
        bls_verify(from_hex(noble_public_key), from_hex(noble_signature), view(noble_message)));
    EXPECT_NO_THROW(bls_verify_or_throw(from_hex(noble_public_key), from_hex(noble_signature),
                                        view(noble_message)));
}

TEST(BlsVerify, AcceptsSignaturesOfTheTestSigner) {
    for (std::uint64_t secret : {1ull, 2ull, 0x1234567890abcdefull}) {
        const Bytes message = to_bytes("message " + std::to_string(secret));
        EXPECT_TRUE(
            bls_verify(test::bls_public_key(secret), test::bls_sign(secret, message), message));
    }
}

TEST(BlsVerify, RefusesAnyFlippedBit) {
    const Bytes key = from_hex(noble_public_key);
    const Bytes signature = from_hex(noble_signature);
    const Bytes message = to_bytes(noble_message);
    // Every bit below the flags: the result leaves the field, the curve or the group, or is a
    // different valid point that does not match.
    for (std::size_t bit = 0; bit < 48 * 8; bit += 7) {
        if (bit % 8 >= 5 && bit / 8 == 0) continue;  // the flag bits, tested below
        refusal(key, flip(signature, bit), message);
    }
    for (std::size_t bit = 0; bit < 96 * 8; bit += 13) {
        if (bit % 8 >= 5 && bit / 8 == 0) continue;
        refusal(flip(key, bit), signature, message);
    }
    for (std::size_t bit = 0; bit < message.size() * 8; bit += 5) {
        EXPECT_NE(refusal(key, signature, flip(message, bit)).find("does not match"),
                  std::string::npos);
    }
    // The sign flag picks the other square root: -signature, a valid point that does not match.
    EXPECT_NE(refusal(key, flip(signature, 5), message).find("does not match"), std::string::npos);
    EXPECT_NE(refusal(flip(key, 5), signature, message).find("does not match"), std::string::npos);
}

TEST(BlsVerify, RefusesTheWrongKeyOrDomain) {
    const Bytes message = to_bytes("the message");
    const Bytes signature = test::bls_sign(7, message);
    EXPECT_TRUE(bls_verify(test::bls_public_key(7), signature, message));
    EXPECT_FALSE(bls_verify(test::bls_public_key(8), signature, message));
    // Signed under the proof-of-possession ciphersuite's tag, checked under the IC's.
    const Bytes other_domain =
        test::bls_sign(7, message, "BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_POP_");
    EXPECT_NE(refusal(test::bls_public_key(7), other_domain, message).find("does not match"),
              std::string::npos);
    EXPECT_TRUE(bls_verify(test::bls_public_key(7), other_domain, message,
                           "BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_POP_"));
}

TEST(BlsVerify, RefusesMalformedPoints) {
    const Bytes key = from_hex(noble_public_key);
    const Bytes signature = from_hex(noble_signature);
    const Bytes message = to_bytes(noble_message);
    const auto expect_reason = [&](const Bytes& k, const Bytes& sig, const std::string& reason) {
        const std::string what = refusal(k, sig, message);
        EXPECT_NE(what.find(reason), std::string::npos) << what;
    };
    // The point at infinity, with and without other bits set.
    Bytes infinity48(48, 0);
    infinity48[0] = 0xc0;
    Bytes infinity96(96, 0);
    infinity96[0] = 0xc0;
    expect_reason(key, infinity48, "the signature is the point at infinity");
    expect_reason(infinity96, signature, "the public key is the point at infinity");
    expect_reason(key, flip(signature, 6), "the signature is the point at infinity");
    // The uncompressed flag clear.
    expect_reason(key, flip(signature, 7), "the signature is not compressed");
    expect_reason(flip(key, 7), signature, "the public key is not compressed");
    // Wrong sizes.
    expect_reason(key, Bytes(signature.begin(), signature.end() - 1), "has 47 bytes, not 48");
    expect_reason(Bytes(key.begin(), key.begin() + 48), signature, "has 48 bytes, not 96");
    // x not below p.
    Bytes big_x = from_hex(
        "9a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffff"
        "ffffaaab");
    expect_reason(key, big_x, "x coordinate that is not below p");
    Bytes big_key = key;
    std::copy(big_x.begin(), big_x.end(), big_key.begin() + 48);
    big_key[48] &= 0x1f;
    expect_reason(big_key, signature, "x coordinate that is not below p");
    // Points on the curves but outside the groups, and x with no point at all.
    const auto g1_bytes = g1_compress(g1_point_outside_group(100));
    expect_reason(key, Bytes(g1_bytes.begin(), g1_bytes.end()),
                  "the signature is on the curve but not in the group G1");
    const auto g2_bytes = g2_compress(g2_point_outside_group(100));
    expect_reason(Bytes(g2_bytes.begin(), g2_bytes.end()), signature,
                  "the public key is on the curve but not in the group G2");
    for (std::uint64_t x = 1;; ++x) {
        const Fp fx = Fp::from_u64(x);
        if (!(fx.square() * fx + g1_b).is_square()) {
            const auto bytes = g1_compress(G1Affine{fx, Fp::one()});
            expect_reason(key, Bytes(bytes.begin(), bytes.end()),
                          "the signature is not on the curve");
            break;
        }
    }
    for (std::uint64_t x = 1;; ++x) {
        const Fp2 fx{Fp::from_u64(x), Fp::one()};
        if (!(fx.square() * fx + g2_b).sqrt()) {
            const auto bytes = g2_compress(G2Affine{fx, Fp2::one()});
            expect_reason(Bytes(bytes.begin(), bytes.end()), signature,
                          "the public key is not on the curve");
            break;
        }
    }
}

// ---- a certificate signed by tests/replica ---------------------------------------------------

TEST(BlsReplicaCertificate, VerifiesWithTheReplicaRootKeyOnly) {
    const auto fields = replica_certificate_fields();
    ASSERT_EQ(fields.size(), 4u);
    const Bytes bytes = from_hex(fields.at("certificate"));
    const std::uint64_t time = certificate_time(parse_certificate(bytes).tree);
    TrustAnchor anchor{from_hex(fields.at("root_key")), Principal::from_text(fields.at("canister")),
                       time, 60'000'000'000};
    const Certificate certificate = Certificate::verify(bytes, anchor);
    const auto status = certificate.lookup(
        {label("request_status"), from_hex(fields.at("request_id")), label("status")});
    ASSERT_EQ(status.status, HashTree::LookupStatus::Found);
    EXPECT_EQ(std::string(status.value.begin(), status.value.end()), "replied");

    const auto refused = [&](const Bytes& certificate_bytes, const TrustAnchor& trust) {
        try {
            Certificate::verify(certificate_bytes, trust);
        } catch (const Error& e) {
            EXPECT_EQ(e.kind(), ErrorKind::Verification) << e.what();
            return std::string(e.what());
        }
        ADD_FAILURE() << "accepted";
        return std::string();
    };
    // Another root key: the certificate was not signed by it.
    TrustAnchor other = anchor;
    other.root_key_der.resize(37);
    append(other.root_key_der, test::bls_public_key(0x33));
    EXPECT_NE(refused(bytes, other)
                  .find("the certificate (signed by the root key) failed BLS "
                        "verification: the signature does not match"),
              std::string::npos);
    // A changed leaf ("replied" -> "replieD") changes the root hash the signature covers.
    Bytes tampered = bytes;
    const std::string replied = "replied";
    auto at = std::search(tampered.begin(), tampered.end(), replied.begin(), replied.end());
    ASSERT_NE(at, tampered.end());
    at[6] = 'D';
    EXPECT_NE(refused(tampered, anchor).find("does not match"), std::string::npos);
    // The signature is the certificate's last 48 bytes; flip a bit of x in it.
    EXPECT_FALSE(refused(flip(bytes, (bytes.size() - 20) * 8), anchor).empty());
}

}  // namespace
}  // namespace ic
