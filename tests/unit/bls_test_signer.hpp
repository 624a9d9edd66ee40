// A BLS signer for tests: certificates signed by keys the tests choose, so that the verifier
// sees real signatures. Not constant time, with 64-bit secrets: never for anything but tests.
#pragma once

#include <array>
#include <cstdint>

#include "ic/bls.hpp"
#include "ic/bls12_381_g2.hpp"
#include "ic/bls12_381_hash_to_curve.hpp"
#include "ic/bytes.hpp"
#include "ic/sha256.hpp"

namespace ic::test {

// The 96-byte compressed G2 public key [secret] g2.
inline Bytes bls_public_key(std::uint64_t secret) {
    using namespace bls12_381;
    const auto key = G2::from(g2_generator()).mul(std::array<std::uint64_t, 1>{secret});
    const auto bytes = g2_compress(key.to_affine().value());
    return Bytes(bytes.begin(), bytes.end());
}

// The 48-byte signature [secret] H(message) under the IC's ciphersuite (or another DST).
inline Bytes bls_sign(std::uint64_t secret, ByteView message, std::string_view dst = bls_dst) {
    using namespace bls12_381;
    const auto point = hash_to_g1(message, view(dst)).mul(std::array<std::uint64_t, 1>{secret});
    const auto bytes = g1_compress(point.to_affine().value());
    return Bytes(bytes.begin(), bytes.end());
}

// What a subnet signs: "\x0Dic-state-root" followed by the tree's root hash.
inline Bytes bls_sign_state_root(std::uint64_t secret, const Hash& root_hash) {
    Bytes message = to_bytes("\x0Dic-state-root");
    append(message, root_hash);
    return bls_sign(secret, message);
}

}  // namespace ic::test
