#include "ic/bls.hpp"

#include <array>
#include <string>

#include "ic/bls12_381_g1.hpp"
#include "ic/bls12_381_g2.hpp"
#include "ic/bls12_381_hash_to_curve.hpp"
#include "ic/bls12_381_pairing.hpp"
#include "ic/error.hpp"

namespace ic {

namespace {

template <typename Decode>
auto decode(Decode&& decode_point, ByteView bytes, const char* what) {
    try {
        return decode_point(bytes);
    } catch (const Error& e) {
        fail(ErrorKind::Verification, std::string(what) + " " + e.what());
    }
}

}  // namespace

void bls_verify_or_throw(ByteView public_key, ByteView signature, ByteView message,
                         std::string_view dst) {
    using namespace bls12_381;
    const G2Affine key = decode(g2_decompress, public_key, "the public key");
    const G1Affine sig = decode(g1_decompress, signature, "the signature");
    const std::optional<G1Affine> hashed = hash_to_g1(message, view(dst)).to_affine();
    // e(sig, g2) = e(H(m), pk)  <=>  e(sig, -g2) e(H(m), pk) = 1: two Miller loops, one final
    // exponentiation. H(m) at infinity (never seen in practice) pairs to 1 and is left out.
    std::array<PairingInput, 2> pairs{PairingInput{sig, -g2_generator()}, PairingInput{}};
    std::size_t count = 1;
    if (hashed) pairs[count++] = PairingInput{*hashed, key};
    if (!pairing_product_is_one(std::span(pairs).first(count))) {
        fail(ErrorKind::Verification, "the signature does not match the message and key");
    }
}

bool bls_verify(ByteView public_key, ByteView signature, ByteView message, std::string_view dst) {
    try {
        bls_verify_or_throw(public_key, signature, message, dst);
        return true;
    } catch (const Error&) {
        return false;
    }
}

}  // namespace ic
