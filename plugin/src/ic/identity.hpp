// Who signs requests: an Ed25519 or secp256k1 key from a PEM file, or the anonymous principal.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "ic/bytes.hpp"
#include "ic/principal.hpp"

struct evp_pkey_st;  // OpenSSL's EVP_PKEY

namespace ic {

class Identity {
public:
    enum class Algorithm { Anonymous, Ed25519, Secp256k1 };

    static Identity anonymous();
    // Reads a PEM as dfx and icp-cli write them: Ed25519 PKCS#8, secp256k1 SEC1 (with or
    // without an EC PARAMETERS block, LF or CRLF) and secp256k1 PKCS#8. An encrypted key, an
    // unsupported curve or a malformed file throws ic::Error (Usage) naming the file. The key's
    // bytes never appear in a message.
    static Identity from_pem_file(const std::filesystem::path& path);
    static Identity from_pem(std::string_view pem, const std::string& source_name);

    Algorithm algorithm() const { return algorithm_; }
    const char* algorithm_name() const;
    bool is_anonymous() const { return algorithm_ == Algorithm::Anonymous; }
    const Principal& sender() const { return sender_; }
    // The DER SubjectPublicKeyInfo sent as sender_pubkey; empty for the anonymous identity.
    const Bytes& public_key_der() const { return public_key_der_; }

    // Ed25519: the 64-byte signature of `message`. secp256k1: ECDSA over SHA-256(message),
    // as 64 bytes r || s with s in the lower half of the order. Anonymous: throws.
    Bytes sign(ByteView message) const;

private:
    Identity() = default;
    Algorithm algorithm_ = Algorithm::Anonymous;
    std::shared_ptr<evp_pkey_st> key_;  // immutable once loaded; shared between copies
    Bytes public_key_der_;
    Principal sender_ = Principal::anonymous();
};

}  // namespace ic
