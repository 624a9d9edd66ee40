// Certificates: a hash tree signed by the subnet (or by the root key through a delegation).
#pragma once

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "ic/bytes.hpp"
#include "ic/hash_tree.hpp"
#include "ic/principal.hpp"

namespace ic {

struct Delegation {
    Principal subnet_id;
    Bytes certificate;  // CBOR of the subnet's own certificate, signed by the root key
};

struct CertificateData {
    HashTree tree;
    Bytes signature;  // 48-byte compressed BLS12-381 G1 point
    std::optional<Delegation> delegation;
};

// What a certificate must prove besides its own signature.
struct TrustAnchor {
    Bytes root_key_der;               // 133-byte DER BLS public key
    Principal effective_canister_id;  // must fall inside the delegation's canister ranges
    std::uint64_t now_ns;             // the helper's clock
    std::uint64_t max_age_ns;         // /time older than this is stale
};

// A certificate that has passed `Certificate::verify`; values are read only from these.
class Certificate {
public:
    // Parses (strictly) and checks the certificate against `anchor` before anything can be read:
    // the signature seam `verify_signature`, then freshness: /time must be revealed, at most
    // max_age_ns behind now_ns and at most 5 minutes ahead of it. Throws ic::Error (Protocol) for
    // malformed bytes and ic::Error (Verification) for a failed check.
    static Certificate verify(ByteView cbor_bytes, const TrustAnchor& anchor);

    const HashTree& tree() const { return data_.tree; }
    std::uint64_t time_ns() const { return time_ns_; }

    // Convenience lookups over the verified tree.
    HashTree::LookupResult lookup(const std::vector<Bytes>& path) const {
        return data_.tree.lookup(path);
    }

private:
    explicit Certificate(CertificateData data, std::uint64_t time_ns)
        : data_(std::move(data)), time_ns_(time_ns) {}
    CertificateData data_;
    std::uint64_t time_ns_;
};

// Parses the CBOR strictly but checks nothing it says (used by verify and by the fuzz target):
// a map with a hash tree "tree", a byte string "signature" and optionally a "delegation" map of
// byte strings "subnet_id" (a principal) and "certificate". Unknown keys are ignored, repeated
// keys refused. Throws ic::Error (Protocol).
CertificateData parse_certificate(ByteView cbor_bytes);

// Reads /time (LEB128 nanoseconds) from a tree. Throws ic::Error (Verification) when the tree
// does not reveal /time, and ic::Error (Protocol) when the leaf is not exactly one LEB128 number.
std::uint64_t certificate_time(const HashTree& tree);

// The one place a certificate's signature is checked, before any value is read from it:
//  - the signature is 48 bytes (a compressed G1 point), and the root key is 133-byte DER with the
//    exact BLS12-381 prefix;
//  - a delegation's certificate parses, carries no delegation of its own and a 48-byte signature,
//    and reveals /subnet/<subnet_id>/public_key as 133-byte DER with the same prefix;
//  - the effective canister id lies in a range the delegation certifies for that subnet, at
//    /canister_ranges/<subnet_id>/<shard> or the legacy /subnet/<subnet_id>/canister_ranges;
//  - the BLS12-381 signatures (bls.hpp): the delegation's by the root key, and the certificate's
//    by the root key, or by the subnet key when delegated.
// Throws ic::Error (Verification).
void verify_signature(const CertificateData& certificate, const TrustAnchor& anchor);

}  // namespace ic
