// Who signs requests: an Ed25519, secp256k1 or P-256 key (from a PEM file or Juno's token), or the
// anonymous principal.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "ic/bytes.hpp"
#include "ic/principal.hpp"

struct evp_pkey_st;  // OpenSSL's EVP_PKEY

namespace ic {

class Identity {
public:
    enum class Algorithm { Anonymous, Ed25519, Secp256k1, Prime256v1 };

    static Identity anonymous();
    // Reads a PEM as dfx and icp-cli write them: Ed25519 PKCS#8 v1 and v2 (with the public key
    // attached, which must match), secp256k1 and P-256 as SEC1 (with or without an EC PARAMETERS
    // block, LF or CRLF) or PKCS#8. An encrypted key, an unsupported curve or a malformed file
    // throws ic::Error (Usage) naming the file. The key's bytes never appear in a message.
    static Identity from_pem_file(const std::filesystem::path& path);
    static Identity from_pem(std::string_view pem, const std::string& source_name);
    // An Ed25519 key from its 32-byte seed. A non-empty `public_key` (32 bytes) must be the
    // seed's; otherwise ic::Error (Usage) says that `source` holds mismatched keys.
    static Identity from_ed25519_seed(ByteView seed, ByteView public_key,
                                      const std::string& source);

    Algorithm algorithm() const { return algorithm_; }
    const char* algorithm_name() const;
    bool is_anonymous() const { return algorithm_ == Algorithm::Anonymous; }
    const Principal& sender() const { return sender_; }
    // The DER SubjectPublicKeyInfo sent as sender_pubkey; empty for the anonymous identity.
    const Bytes& public_key_der() const { return public_key_der_; }

    // Where the key came from, for messages ("file /x.pem", "JUNO_TOKEN", ...); never the key.
    const std::string& origin() const { return origin_; }
    void set_origin(std::string origin) { origin_ = std::move(origin); }

    // Ed25519: the 64-byte signature of `message`. secp256k1 and P-256: ECDSA over
    // SHA-256(message), as 64 bytes r || s with s in the lower half of the order. Anonymous:
    // throws.
    Bytes sign(ByteView message) const;

private:
    Identity() = default;
    Algorithm algorithm_ = Algorithm::Anonymous;
    std::shared_ptr<evp_pkey_st> key_;  // immutable once loaded; shared between copies
    Bytes public_key_der_;
    Principal sender_ = Principal::anonymous();
    std::string origin_;
};

}  // namespace ic
