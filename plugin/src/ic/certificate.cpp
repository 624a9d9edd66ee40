#include "ic/certificate.hpp"

#include <algorithm>
#include <array>
#include <set>
#include <string>

#include "ic/bls.hpp"
#include "ic/cbor.hpp"
#include "ic/error.hpp"
#include "ic/leb128.hpp"
#include "ic/verified_signatures.hpp"

namespace ic {

namespace {

constexpr std::size_t signature_size = 48;  // compressed G1 point
constexpr std::size_t max_tree_depth = 256;
// The certificate's tag and map sit above the tree, with room to spare.
constexpr std::size_t max_cbor_depth = max_tree_depth + 4;

constexpr std::uint64_t ns_per_second = 1'000'000'000;
// A replica's clock may run a little ahead of ours; beyond this the certificate is suspect.
constexpr std::uint64_t max_future_ns = 5 * 60 * ns_per_second;

// SubjectPublicKeyInfo header of a BLS12-381 G2 public key (algorithm OID
// 1.3.6.1.4.1.44668.5.3.1.2.1, curve OID 1.3.6.1.4.1.44668.5.3.2.1), followed by 96 key bytes.
constexpr std::array<std::uint8_t, 37> bls_der_prefix = {
    0x30, 0x81, 0x82, 0x30, 0x1d, 0x06, 0x0d, 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82,
    0xdc, 0x7c, 0x05, 0x03, 0x01, 0x02, 0x01, 0x06, 0x0c, 0x2b, 0x06, 0x01, 0x04,
    0x01, 0x82, 0xdc, 0x7c, 0x05, 0x03, 0x02, 0x01, 0x03, 0x61, 0x00};
constexpr std::size_t bls_key_size = 96;

std::string describe(HashTree::LookupStatus status) {
    switch (status) {
        case HashTree::LookupStatus::Found:
            return "found";
        case HashTree::LookupStatus::Absent:
            return "absent";
        case HashTree::LookupStatus::Unknown:
            return "pruned";
        case HashTree::LookupStatus::Error:
            return "not a leaf";
    }
    return "unknown";
}

// "4 min 12 s", precise enough for a user to judge clock skew.
std::string describe_duration(std::uint64_t ns) {
    if (ns < ns_per_second) return std::to_string(ns / 1'000'000) + " ms";
    std::uint64_t seconds = ns / ns_per_second;
    std::string out;
    if (seconds >= 3600) {
        out = std::to_string(seconds / 3600) + " h ";
        seconds %= 3600;
    }
    if (!out.empty() || seconds >= 60) {
        out += std::to_string(seconds / 60) + " min ";
        seconds %= 60;
    }
    return out + std::to_string(seconds) + " s";
}

// Refuses repeated keys: two parsers picking different copies of "tree" is how confusion starts.
void check_unique_keys(const cbor::Map& map, std::string_view what) {
    std::set<std::string_view> seen;
    for (const auto& [key, value] : map) {
        if (!seen.insert(key).second) {
            fail(ErrorKind::Protocol,
                 std::string(what) + " repeats the key '" + std::string(key) + "'");
        }
    }
}

Delegation parse_delegation(const cbor::Value& value) {
    check_unique_keys(value.as_map("delegation"), "the delegation");
    const Bytes& subnet_id = value.at("subnet_id").as_bytes("delegation subnet_id");
    if (subnet_id.size() > Principal::max_length) {
        fail(ErrorKind::Protocol, "the delegation's subnet_id has " +
                                      std::to_string(subnet_id.size()) +
                                      " bytes, more than a principal can");
    }
    return Delegation{Principal(subnet_id),
                      value.at("certificate").as_bytes("delegation certificate")};
}

void check_signature_size(const Bytes& signature, std::string_view whose) {
    if (signature.size() != signature_size) {
        fail(ErrorKind::Verification, std::string(whose) + " signature has " +
                                          std::to_string(signature.size()) + " bytes, not " +
                                          std::to_string(signature_size) +
                                          " (a compressed BLS12-381 G1 point)");
    }
}

// The raw 96-byte key inside the DER; anything but the one exact form is refused.
ByteView bls_key_from_der(ByteView der, std::string_view what) {
    if (der.size() != bls_der_prefix.size() + bls_key_size ||
        !std::equal(bls_der_prefix.begin(), bls_der_prefix.end(), der.begin())) {
        fail(ErrorKind::Verification,
             std::string(what) + " is not a DER-encoded BLS12-381 public key (" +
                 std::to_string(der.size()) + " bytes; expected 133 starting with 308182301d)");
    }
    return der.subspan(bls_der_prefix.size());
}

// BLS_verify(public_key, signature, "\x0Dic-state-root" || root_hash) with the ciphersuite
// BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_NUL_ (signature in G1, key in G2). `what` names the
// certificate and its signer for the error, which also says which check failed. A signature
// this process has checked before is not checked again (verified_signatures.hpp).
void verify_bls_signature(ByteView public_key, ByteView signature, const Hash& root_hash,
                          const std::string& what) {
    static constexpr std::string_view domain = "\x0Dic-state-root";
    Bytes message = to_bytes(domain);
    append(message, root_hash);
    try {
        verified_signatures().check_once(public_key, signature, message, [&] {
            bls_verify_or_throw(public_key, signature, message);
        });
    } catch (const Error& e) {
        fail(ErrorKind::Verification, what + " failed BLS verification: " + e.what());
    }
}

// Whether a ranges blob, CBOR 55799([[lo, hi], ...]) of principal bytes, holds `id`. Principals
// order bytewise, which is how the subnet's ranges are defined.
bool ranges_contain(ByteView blob, const Bytes& id, const std::string& where) {
    cbor::Value ranges;
    try {
        ranges = cbor::decode(blob);
        for (const cbor::Value& range : ranges.as_array("canister ranges")) {
            const cbor::Array& bounds = range.as_array("canister range");
            if (bounds.size() != 2) fail(ErrorKind::Protocol, "a range is not a [low, high] pair");
            const Bytes& low = bounds[0].as_bytes("range start");
            const Bytes& high = bounds[1].as_bytes("range end");
            if (low.size() > Principal::max_length || high.size() > Principal::max_length) {
                fail(ErrorKind::Protocol, "a range bound is longer than a principal");
            }
            if (low <= id && id <= high) return true;
        }
    } catch (const Error& e) {
        fail(ErrorKind::Verification, where + " is malformed: " + e.what());
    }
    return false;
}

// The spec's lookup*(["canister_ranges", subnet]) plus the legacy single blob: any range the
// delegation's certificate reveals for the subnet is one the root subnet vouched for, so the
// effective canister id only has to be in one of them.
void check_canister_ranges(const HashTree& tree, const Principal& subnet,
                           const Principal& effective_canister_id) {
    const Bytes& id = effective_canister_id.bytes();
    bool revealed = false;
    const std::vector<Bytes> shards{label("canister_ranges"), subnet.bytes()};
    for (const Bytes& shard : tree.revealed_children(shards)) {
        std::vector<Bytes> path = shards;
        path.push_back(shard);
        HashTree::LookupResult leaf = tree.lookup(path);
        if (leaf.status != HashTree::LookupStatus::Found) continue;
        revealed = true;
        if (ranges_contain(leaf.value, id,
                           "the canister ranges shard of subnet " + subnet.to_text())) {
            return;
        }
    }
    HashTree::LookupResult legacy =
        tree.lookup({label("subnet"), subnet.bytes(), label("canister_ranges")});
    if (legacy.status == HashTree::LookupStatus::Found) {
        revealed = true;
        if (ranges_contain(legacy.value, id, "the canister ranges of subnet " + subnet.to_text())) {
            return;
        }
    }
    if (!revealed) {
        fail(ErrorKind::Verification, "the delegation to subnet " + subnet.to_text() +
                                          " reveals none of its canister ranges, so it cannot "
                                          "vouch for canister " +
                                          effective_canister_id.to_text());
    }
    fail(ErrorKind::Verification, "canister " + effective_canister_id.to_text() +
                                      " is outside the canister ranges of subnet " +
                                      subnet.to_text() + ", which signed the certificate");
}

// Checks the delegation and returns the subnet's raw BLS key that signs the outer certificate.
Bytes check_delegation(const Delegation& delegation, ByteView root_key, const TrustAnchor& anchor) {
    const std::string subnet = delegation.subnet_id.to_text();
    CertificateData inner = [&] {
        try {
            return parse_certificate(delegation.certificate);
        } catch (const Error& e) {
            fail(ErrorKind::Verification, "the delegation's certificate for subnet " + subnet +
                                              " is malformed: " + e.what());
        }
    }();
    // The interface allows one level: a chain would let any subnet vouch for another.
    if (inner.delegation) {
        fail(ErrorKind::Verification,
             "the delegation's certificate carries a delegation of its own; only the root key "
             "may sign a delegation");
    }
    check_signature_size(inner.signature, "the delegation certificate's");
    verify_bls_signature(
        root_key, inner.signature, inner.tree.digest(),
        "the delegation's certificate for subnet " + subnet + " (signed by the root key)");

    HashTree::LookupResult key =
        inner.tree.lookup({label("subnet"), delegation.subnet_id.bytes(), label("public_key")});
    if (key.status != HashTree::LookupStatus::Found) {
        fail(ErrorKind::Verification,
             "the delegation's certificate holds no public key for subnet " + subnet +
                 " (/subnet/" + subnet + "/public_key is " + describe(key.status) + ")");
    }
    ByteView subnet_key = bls_key_from_der(key.value, "the public key of subnet " + subnet);
    check_canister_ranges(inner.tree, delegation.subnet_id, anchor.effective_canister_id);
    return Bytes(subnet_key.begin(), subnet_key.end());  // `inner` and its tree end here
}

}  // namespace

CertificateData parse_certificate(ByteView cbor_bytes) {
    const cbor::Value root =
        cbor::decode(cbor_bytes, cbor::DecodeLimits{.max_depth = max_cbor_depth});
    check_unique_keys(root.as_map("certificate"), "the certificate");
    CertificateData data;
    data.tree = HashTree::from_cbor(root.at("tree"), max_tree_depth);
    data.signature = root.at("signature").as_bytes("certificate signature");
    if (const cbor::Value* delegation = root.find("delegation")) {
        data.delegation = parse_delegation(*delegation);
    }
    return data;
}

std::uint64_t certificate_time(const HashTree& tree) {
    HashTree::LookupResult leaf = tree.lookup({label("time")});
    if (leaf.status != HashTree::LookupStatus::Found) {
        fail(ErrorKind::Verification, "the certificate does not reveal /time (" +
                                          describe(leaf.status) +
                                          "), so its freshness cannot be checked");
    }
    std::size_t pos = 0;
    std::uint64_t time = 0;
    try {
        time = read_uleb128(leaf.value, pos);
    } catch (const Error& e) {
        fail(ErrorKind::Protocol, std::string("the certificate's /time is malformed: ") + e.what());
    }
    if (pos != leaf.value.size()) {
        fail(ErrorKind::Protocol, "the certificate's /time has bytes after its LEB128 number");
    }
    return time;
}

void verify_signature(const CertificateData& certificate, const TrustAnchor& anchor) {
    check_signature_size(certificate.signature, "the certificate's");
    ByteView signing_key = bls_key_from_der(anchor.root_key_der, "the root key");
    Bytes subnet_key;
    if (certificate.delegation) {
        subnet_key = check_delegation(*certificate.delegation, signing_key, anchor);
        signing_key = subnet_key;
    }
    verify_bls_signature(signing_key, certificate.signature, certificate.tree.digest(),
                         certificate.delegation
                             ? "the certificate (signed by the key of subnet " +
                                   certificate.delegation->subnet_id.to_text() + ")"
                             : std::string("the certificate (signed by the root key)"));
}

Certificate Certificate::verify(ByteView cbor_bytes, const TrustAnchor& anchor) {
    CertificateData data = parse_certificate(cbor_bytes);
    verify_signature(data, anchor);
    const std::uint64_t time = certificate_time(data.tree);
    if (time <= anchor.now_ns) {
        const std::uint64_t age = anchor.now_ns - time;
        if (age > anchor.max_age_ns) {
            fail(ErrorKind::Verification,
                 "the certificate is stale: its /time is " + describe_duration(age) +
                     " old, more than the " + describe_duration(anchor.max_age_ns) +
                     " allowed (is the replica behind, or the local clock ahead?)");
        }
    } else if (time - anchor.now_ns > max_future_ns) {
        fail(ErrorKind::Verification,
             "the certificate's /time is " + describe_duration(time - anchor.now_ns) +
                 " in the future, more than the " + describe_duration(max_future_ns) +
                 " allowed (is the local clock behind?)");
    }
    return Certificate(std::move(data), time);
}

}  // namespace ic
