// libFuzzer target: PEM keys a user hands the helper. The PKCS#8 reader for Ed25519 keys that carry
// their public key is hand-written over OpenSSL's TLV decoder; any bytes end in an identity or an
// ic::Error, never in a crash. (JUNO_TOKEN's decoder is left to its unit tests: RapidJSON 1.1's
// parse stack trips UBSan's pointer-overflow check on every document, whatever the input.)
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "ic/ed25519_pkcs8.hpp"
#include "ic/error.hpp"
#include "ic/identity.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const ic::ByteView bytes(data, size);
    ic::Ed25519KeyPair pair;
    const bool attached = ic::parse_ed25519_one_asymmetric_key(bytes, pair);
    // The same bytes as the body of a PEM key, so that the DER reaches every reader.
    std::string pem = "-----BEGIN PRIVATE KEY-----\n";
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (std::size_t i = 0; i < size; i += 3) {
        std::uint32_t n = static_cast<std::uint32_t>(data[i]) << 16;
        if (i + 1 < size) n |= static_cast<std::uint32_t>(data[i + 1]) << 8;
        if (i + 2 < size) n |= data[i + 2];
        pem += alphabet[(n >> 18) & 63];
        pem += alphabet[(n >> 12) & 63];
        pem += i + 1 < size ? alphabet[(n >> 6) & 63] : '=';
        pem += i + 2 < size ? alphabet[n & 63] : '=';
    }
    pem += "\n-----END PRIVATE KEY-----\n";
    try {
        ic::Identity identity = ic::Identity::from_pem(pem, "fuzz.pem");
        if (identity.public_key_der().size() < 32) std::abort();
        // A key with its public key attached is accepted only when that public key is its own.
        const ic::ByteView own = ic::ByteView(identity.public_key_der()).last(32);
        if (attached && !std::equal(own.begin(), own.end(), pair.public_key.begin())) std::abort();
    } catch (const ic::Error&) {
    }
    return 0;
}
