#include "ic/certificate.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "bls_test_signer.hpp"
#include "ic/cbor.hpp"
#include "ic/error.hpp"
#include "ic/leb128.hpp"

namespace ic {
namespace {

using cbor::Value;
using Status = HashTree::LookupStatus;

constexpr std::uint64_t second = 1'000'000'000;
constexpr std::uint64_t minute = 60 * second;
constexpr std::uint64_t now = 1'700'000'000 * second;

// ---- building certificates ------------------------------------------------------------------

Value node(std::vector<Value> items) { return Value(cbor::Array(std::move(items))); }
Value u(std::uint64_t v) { return Value(v); }
Value empty_node() { return node({u(0)}); }
Value fork_node(Value l, Value r) { return node({u(1), std::move(l), std::move(r)}); }
Value labeled_node(Bytes l, Value t) { return node({u(2), Value(std::move(l)), std::move(t)}); }
Value labeled_node(std::string_view l, Value t) { return labeled_node(label(l), std::move(t)); }
Value leaf_node(Bytes v) { return node({u(3), Value(std::move(v))}); }
Value pruned_node() { return node({u(4), Value(Bytes(32, 0x5a))}); }

// Joins nodes (given in increasing label order) with forks, as the replica does.
Value forest(std::vector<Value> nodes) {
    if (nodes.empty()) return empty_node();
    Value joined = std::move(nodes.back());
    for (std::size_t i = nodes.size() - 1; i-- > 0;) {
        joined = fork_node(std::move(nodes[i]), std::move(joined));
    }
    return joined;
}

Bytes leb(std::uint64_t v) {
    Bytes out;
    write_uleb128(out, v);
    return out;
}

Value time_node(std::uint64_t time) { return labeled_node("time", leaf_node(leb(time))); }

// Test keys are BLS secrets: the root key's and the delegated subnet's.
constexpr std::uint64_t root_secret = 0x11;
constexpr std::uint64_t subnet_secret = 0x22;

// The exact SubjectPublicKeyInfo prefix of a BLS12-381 G2 key, from the interface spec, and the
// public key of `secret`.
Bytes der_key(std::uint64_t secret) {
    Bytes der =
        from_hex("308182301d060d2b0601040182dc7c0503010201060c2b0601040182dc7c05030201036100");
    append(der, test::bls_public_key(secret));
    return der;
}

// Signed by `signer` over the tree's root hash unless `signature` says otherwise; a tree the
// parser would refuse (the tests of malformed trees) gets 48 arbitrary bytes instead.
Bytes encode_certificate(Value tree, std::optional<Value> delegation = std::nullopt,
                         std::optional<Bytes> signature = std::nullopt,
                         std::uint64_t signer = root_secret) {
    if (!signature) {
        try {
            signature = test::bls_sign_state_root(signer, HashTree::from_cbor(tree).digest());
        } catch (const Error&) {
            signature = Bytes(48, 0x01);
        }
    }
    cbor::Map map{{"tree", std::move(tree)}, {"signature", Value(std::move(*signature))}};
    if (delegation) map.emplace_back("delegation", std::move(*delegation));
    return cbor::encode(Value(std::move(map)));
}

Value delegation_value(const Principal& subnet, Bytes certificate) {
    return Value(cbor::Map{{"subnet_id", Value(subnet.bytes())},
                           {"certificate", Value(std::move(certificate))}});
}

Principal test_subnet() {
    Bytes id(29, 0x42);
    id.back() = 0x02;
    return Principal(id);
}
const Bytes range_low{0, 0, 0, 0, 0, 0x10, 0x00, 0x00, 1, 1};
const Bytes range_high{0, 0, 0, 0, 0, 0x1f, 0xff, 0xff, 1, 1};
const Principal inside{Bytes{0, 0, 0, 0, 0, 0x10, 0x00, 0x01, 1, 1}};
const Principal outside{Bytes{0, 0, 0, 0, 0, 0x20, 0x00, 0x00, 1, 1}};

// CBOR 55799([[low, high], ...]).
Bytes ranges_blob(const std::vector<std::pair<Bytes, Bytes>>& ranges) {
    cbor::Array items;
    for (const auto& [low, high] : ranges) items.push_back(node({Value(low), Value(high)}));
    return cbor::encode(Value(std::move(items)));
}

// What the root subnet's certificate says about the delegated subnet.
struct SubnetFacts {
    std::optional<Bytes> public_key = der_key(subnet_secret);
    Principal key_owner = test_subnet();  // whose /subnet/<id>/public_key the tree reveals
    std::vector<std::pair<Bytes, Bytes>> shards{
        {range_low, ranges_blob({{range_low, range_high}})}};
    bool prune_shards = false;  // add a pruned node beside the revealed shards
    std::optional<Bytes> legacy_ranges;
    std::optional<Value> nested_delegation;
    std::optional<Bytes> signature;  // by default signed by `signer`
    std::uint64_t signer = root_secret;
};

Bytes delegation_certificate(const SubnetFacts& facts) {
    std::vector<Value> top;
    if (!facts.shards.empty() || facts.prune_shards) {
        std::vector<Value> shards;
        for (const auto& [start, blob] : facts.shards) {
            shards.push_back(labeled_node(start, leaf_node(blob)));
        }
        if (facts.prune_shards) shards.push_back(pruned_node());  // sorts after them all
        top.push_back(labeled_node("canister_ranges",
                                   labeled_node(test_subnet().bytes(), forest(std::move(shards)))));
    }
    std::vector<Value> subnet;
    if (facts.legacy_ranges) {
        subnet.push_back(labeled_node("canister_ranges", leaf_node(*facts.legacy_ranges)));
    }
    if (facts.public_key)
        subnet.push_back(labeled_node("public_key", leaf_node(*facts.public_key)));
    top.push_back(
        labeled_node("subnet", labeled_node(facts.key_owner.bytes(), forest(std::move(subnet)))));
    top.push_back(time_node(now - 3 * 24 * 60 * minute));  // delegations are not age-checked
    return encode_certificate(forest(std::move(top)), facts.nested_delegation, facts.signature,
                              facts.signer);
}

Bytes delegated_certificate(const SubnetFacts& facts, std::uint64_t time = now) {
    return encode_certificate(forest({time_node(time)}),
                              delegation_value(test_subnet(), delegation_certificate(facts)),
                              std::nullopt, subnet_secret);
}

TrustAnchor anchor(Principal effective_canister_id = inside) {
    return TrustAnchor{der_key(root_secret), std::move(effective_canister_id), now, 5 * minute};
}

// Runs `f` and returns the ic::Error it throws, failing the test when it throws nothing.
template <typename F>
Error thrown(F&& f) {
    try {
        f();
    } catch (const Error& e) {
        return e;
    }
    ADD_FAILURE() << "expected an ic::Error";
    return Error(ErrorKind::Usage, "nothing thrown");
}

void expect_refused(const Bytes& certificate, const TrustAnchor& trust,
                    const std::string& message_part) {
    Error e = thrown([&] { Certificate::verify(certificate, trust); });
    EXPECT_EQ(e.kind(), ErrorKind::Verification) << e.what();
    EXPECT_NE(std::string(e.what()).find(message_part), std::string::npos) << e.what();
}

void expect_malformed(const Bytes& bytes) {
    Error e = thrown([&] { parse_certificate(bytes); });
    EXPECT_EQ(e.kind(), ErrorKind::Protocol) << e.what();
}

// ---- parse_certificate ----------------------------------------------------------------------

TEST(ParseCertificate, ReadsEveryField) {
    Bytes inner = delegation_certificate({});
    CertificateData data = parse_certificate(encode_certificate(
        forest({time_node(now)}), delegation_value(test_subnet(), inner), Bytes(48, 0x07)));
    EXPECT_EQ(data.signature, Bytes(48, 0x07));
    ASSERT_TRUE(data.delegation.has_value());
    EXPECT_EQ(data.delegation->subnet_id, test_subnet());
    EXPECT_EQ(data.delegation->certificate, inner);
    EXPECT_EQ(data.tree.lookup({label("time")}).status, Status::Found);
}

TEST(ParseCertificate, SelfDescribeTagIsOptionalAndUnknownKeysAreIgnored) {
    cbor::Map map{{"tree", forest({time_node(now)})},
                  {"signature", Value(Bytes(48, 0))},
                  {"future_field", u(1)}};
    CertificateData data = parse_certificate(cbor::encode(Value(map), false));
    EXPECT_FALSE(data.delegation.has_value());
    EXPECT_EQ(certificate_time(data.tree), now);
}

TEST(ParseCertificate, RejectsMalformedCertificates) {
    const Value tree = forest({time_node(now)});
    const Value signature(Bytes(48, 0));
    auto encode_map = [](cbor::Map map) { return cbor::encode(Value(std::move(map))); };

    expect_malformed({});
    expect_malformed(from_hex("a0ff"));  // trailing byte
    expect_malformed(cbor::encode(node({tree, signature})));
    expect_malformed(encode_map({{"signature", signature}}));
    expect_malformed(encode_map({{"tree", tree}}));
    expect_malformed(encode_map({{"tree", tree}, {"signature", Value("sig")}}));
    expect_malformed(encode_map({{"tree", node({u(7)})}, {"signature", signature}}));
    expect_malformed(encode_map({{"tree", tree}, {"signature", signature}, {"tree", tree}}));
    expect_malformed(encode_map({{"tree", tree}, {"signature", signature}, {"delegation", u(1)}}));
    auto with_delegation = [&](cbor::Map delegation) {
        return encode_map({{"tree", tree},
                           {"signature", signature},
                           {"delegation", Value(std::move(delegation))}});
    };
    expect_malformed(with_delegation({{"subnet_id", Value(Bytes(29, 1))}}));
    expect_malformed(with_delegation({{"certificate", Value(Bytes{0xa0})}}));
    expect_malformed(
        with_delegation({{"subnet_id", Value("subnet")}, {"certificate", Value(Bytes{0xa0})}}));
    expect_malformed(
        with_delegation({{"subnet_id", Value(Bytes(30, 1))}, {"certificate", Value(Bytes{0xa0})}}));
    expect_malformed(
        with_delegation({{"subnet_id", Value(Bytes(29, 1))}, {"certificate", Value("cert")}}));
    expect_malformed(with_delegation({{"subnet_id", Value(Bytes(29, 1))},
                                      {"certificate", Value(Bytes{0xa0})},
                                      {"subnet_id", Value(Bytes(29, 2))}}));
}

TEST(ParseCertificate, AcceptsTreesUpToTheDepthBound) {
    auto chain = [](std::size_t depth) {
        Value tree = leaf_node(Bytes{1});
        for (std::size_t i = 1; i < depth; ++i) tree = labeled_node("l", std::move(tree));
        return encode_certificate(std::move(tree));
    };
    EXPECT_NO_THROW(parse_certificate(chain(256)));
    expect_malformed(chain(257));
}

// ---- certificate_time -----------------------------------------------------------------------

TEST(CertificateTime, ReadsLeb128Nanoseconds) {
    HashTree tree = HashTree::labeled(label("time"), HashTree::leaf(Bytes{0xe5, 0x8e, 0x26}));
    EXPECT_EQ(certificate_time(tree), 624485u);
    EXPECT_EQ(certificate_time(HashTree::labeled(label("time"), HashTree::leaf(leb(now)))), now);
}

TEST(CertificateTime, RefusesMissingOrMalformedTime) {
    auto time_leaf = [](Bytes value) {
        return HashTree::labeled(label("time"), HashTree::leaf(std::move(value)));
    };
    auto kind_of = [](const HashTree& tree) {
        return thrown([&] { certificate_time(tree); }).kind();
    };
    EXPECT_EQ(kind_of(HashTree::labeled(label("other"), HashTree::leaf(leb(now)))),
              ErrorKind::Verification);
    EXPECT_EQ(kind_of(HashTree::pruned(Hash{})), ErrorKind::Verification);
    EXPECT_EQ(kind_of(HashTree::labeled(label("time"), HashTree::pruned(Hash{}))),
              ErrorKind::Verification);
    EXPECT_EQ(
        kind_of(HashTree::labeled(label("time"), HashTree::labeled(label("x"), time_leaf({1})))),
        ErrorKind::Verification);
    EXPECT_EQ(kind_of(time_leaf({})), ErrorKind::Protocol);
    EXPECT_EQ(kind_of(time_leaf({0x80})), ErrorKind::Protocol);        // truncated
    EXPECT_EQ(kind_of(time_leaf({0x01, 0x00})), ErrorKind::Protocol);  // trailing byte
    EXPECT_EQ(kind_of(time_leaf(Bytes(11, 0xff))), ErrorKind::Protocol);
}

// ---- freshness ------------------------------------------------------------------------------

TEST(CertificateVerify, AcceptsAFreshCertificate) {
    Bytes rid(32, 0x99);
    Value tree = forest(
        {labeled_node("request_status",
                      labeled_node(rid, labeled_node("status", leaf_node(to_bytes("replied"))))),
         time_node(now - 10 * second)});
    Certificate certificate = Certificate::verify(encode_certificate(tree), anchor());
    EXPECT_EQ(certificate.time_ns(), now - 10 * second);
    auto status = certificate.lookup({label("request_status"), rid, label("status")});
    ASSERT_EQ(status.status, Status::Found);
    EXPECT_EQ(std::string(status.value.begin(), status.value.end()), "replied");
    EXPECT_EQ(certificate.tree().kind(), HashTree::NodeKind::Fork);
}

TEST(CertificateVerify, RefusesStaleCertificates) {
    EXPECT_NO_THROW(
        Certificate::verify(encode_certificate(forest({time_node(now - 5 * minute)})), anchor()));
    expect_refused(encode_certificate(forest({time_node(now - 5 * minute - 1)})), anchor(),
                   "stale");
    expect_refused(encode_certificate(forest({time_node(now - 7 * minute)})), anchor(),
                   "7 min 0 s old, more than the 5 min 0 s allowed");
    expect_refused(encode_certificate(forest({time_node(0)})), anchor(), "stale");
}

TEST(CertificateVerify, RefusesCertificatesFromTheFuture) {
    EXPECT_NO_THROW(
        Certificate::verify(encode_certificate(forest({time_node(now + 5 * minute)})), anchor()));
    expect_refused(encode_certificate(forest({time_node(now + 5 * minute + 1)})), anchor(),
                   "in the future");
    expect_refused(encode_certificate(forest({time_node(now + 2 * 60 * minute)})), anchor(),
                   "2 h 0 min 0 s in the future");
}

TEST(CertificateVerify, RefusesCertificatesWithoutTime) {
    expect_refused(encode_certificate(forest({labeled_node("subnet", empty_node())})), anchor(),
                   "/time");
    expect_refused(encode_certificate(fork_node(pruned_node(), empty_node())), anchor(), "/time");
}

TEST(CertificateVerify, MalformedBytesAreAProtocolError) {
    Error e = thrown([] { Certificate::verify(from_hex("d9d9f7a1"), anchor()); });
    EXPECT_EQ(e.kind(), ErrorKind::Protocol);
}

// ---- signature and root key -----------------------------------------------------------------

TEST(CertificateVerify, RefusesSignaturesThatAreNot48Bytes) {
    expect_refused(encode_certificate(forest({time_node(now)}), std::nullopt, Bytes(47, 1)),
                   anchor(), "signature has 47 bytes");
    expect_refused(encode_certificate(forest({time_node(now)}), std::nullopt, Bytes(96, 1)),
                   anchor(), "signature has 96 bytes");
}

TEST(CertificateVerify, RefusesSignaturesByAnotherKey) {
    const Value tree = forest({time_node(now)});
    EXPECT_NO_THROW(Certificate::verify(encode_certificate(tree), anchor()));
    expect_refused(encode_certificate(tree, std::nullopt, std::nullopt, 0x33), anchor(),
                   "the certificate (signed by the root key) failed BLS verification: the "
                   "signature does not match");
    // A valid signature over another tree.
    Bytes other_signature = test::bls_sign_state_root(
        root_secret, HashTree::from_cbor(forest({time_node(now - 1)})).digest());
    expect_refused(encode_certificate(tree, std::nullopt, other_signature), anchor(),
                   "does not match");
    // 48 bytes that are no point at all.
    expect_refused(encode_certificate(tree, std::nullopt, Bytes(48, 0x01)), anchor(),
                   "the signature is not compressed");
}

TEST(CertificateVerify, ASignatureCheckedBeforeCountsOnlyForItsKeyAndItsState) {
    // verified_signatures keeps a signature that passed: the same certificate under another root
    // key, or judged later, is refused all the same.
    const Bytes certificate = encode_certificate(forest({time_node(now)}));
    EXPECT_NO_THROW(Certificate::verify(certificate, anchor()));
    EXPECT_NO_THROW(Certificate::verify(certificate, anchor()));
    TrustAnchor other_key = anchor();
    other_key.root_key_der = der_key(0x44);
    expect_refused(certificate, other_key, "does not match");
    TrustAnchor later = anchor();
    later.now_ns = now + 6 * minute;
    expect_refused(certificate, later, "stale");
}

TEST(CertificateVerify, RefusesRootKeysThatAreNotBlsDer) {
    Bytes certificate = encode_certificate(forest({time_node(now)}));
    TrustAnchor trust = anchor();
    trust.root_key_der = Bytes(96, 0x11);  // the raw key, without DER
    expect_refused(certificate, trust, "root key");
    trust.root_key_der = der_key(root_secret);
    trust.root_key_der.pop_back();
    expect_refused(certificate, trust, "root key");
    trust.root_key_der = der_key(root_secret);
    trust.root_key_der[10] ^= 1;  // another OID
    expect_refused(certificate, trust, "root key");
}

// ---- delegations ----------------------------------------------------------------------------

TEST(CertificateDelegation, AcceptsACanisterInsideTheSubnetRanges) {
    Certificate certificate = Certificate::verify(delegated_certificate({}), anchor());
    EXPECT_EQ(certificate.time_ns(), now);
    EXPECT_NO_THROW(Certificate::verify(delegated_certificate({}), anchor(Principal(range_low))));
    EXPECT_NO_THROW(Certificate::verify(delegated_certificate({}), anchor(Principal(range_high))));
}

TEST(CertificateDelegation, RefusesACanisterOutsideTheSubnetRanges) {
    expect_refused(delegated_certificate({}), anchor(outside), "outside the canister ranges");
    Bytes below = range_low;
    below.back() = 0;  // sorts just below the range start
    expect_refused(delegated_certificate({}), anchor(Principal(below)), "outside");
    expect_refused(delegated_certificate({}), anchor(Principal::management()), "outside");
}

TEST(CertificateDelegation, SearchesEveryRevealedShard) {
    SubnetFacts facts;
    const Bytes second_low{0, 0, 0, 0, 0, 0x30, 0, 0, 1, 1};
    const Bytes second_high{0, 0, 0, 0, 0, 0x3f, 0, 0, 1, 1};
    const Bytes third_low{0, 0, 0, 0, 0, 0x40, 0, 0, 1, 1};
    facts.shards = {{range_low, ranges_blob({{range_low, range_high}})},
                    {second_low, ranges_blob({{second_low, second_high}, {third_low, third_low}})}};
    EXPECT_NO_THROW(
        Certificate::verify(delegated_certificate(facts), anchor(Principal(third_low))));
    EXPECT_NO_THROW(
        Certificate::verify(delegated_certificate(facts), anchor(Principal(second_high))));
    expect_refused(delegated_certificate(facts), anchor(outside), "outside");
}

TEST(CertificateDelegation, PrunedShardsNeitherHelpNorHurt) {
    SubnetFacts facts;
    facts.prune_shards = true;
    EXPECT_NO_THROW(Certificate::verify(delegated_certificate(facts), anchor()));
    expect_refused(delegated_certificate(facts), anchor(outside), "outside");
    facts.shards.clear();  // only a pruned node under /canister_ranges/<subnet>
    expect_refused(delegated_certificate(facts), anchor(), "reveals none of its canister ranges");
}

TEST(CertificateDelegation, FallsBackToTheLegacyRangesPath) {
    SubnetFacts facts;
    facts.shards.clear();
    facts.legacy_ranges = ranges_blob({{range_low, range_high}});
    EXPECT_NO_THROW(Certificate::verify(delegated_certificate(facts), anchor()));
    expect_refused(delegated_certificate(facts), anchor(outside), "outside");
}

TEST(CertificateDelegation, RefusesADelegationWithoutRanges) {
    SubnetFacts facts;
    facts.shards.clear();
    expect_refused(delegated_certificate(facts), anchor(), "reveals none of its canister ranges");
}

TEST(CertificateDelegation, RefusesMalformedRanges) {
    SubnetFacts facts;
    facts.shards = {{range_low, to_bytes("not cbor")}};
    expect_refused(delegated_certificate(facts), anchor(), "malformed");
    facts.shards = {{range_low, cbor::encode(node({node({Value(range_low)})}))}};
    expect_refused(delegated_certificate(facts), anchor(), "malformed");
    facts.shards = {{range_low, cbor::encode(node({node({Value(range_low), Value("high")})}))}};
    expect_refused(delegated_certificate(facts), anchor(), "malformed");
    facts.shards = {
        {range_low, cbor::encode(node({node({Value(range_low), Value(Bytes(30, 0xff))})}))}};
    expect_refused(delegated_certificate(facts), anchor(), "malformed");
}

TEST(CertificateDelegation, RefusesANestedDelegation) {
    SubnetFacts facts;
    facts.nested_delegation = delegation_value(test_subnet(), delegation_certificate({}));
    expect_refused(delegated_certificate(facts), anchor(), "delegation of its own");
}

TEST(CertificateDelegation, RefusesAMissingOrMalformedSubnetKey) {
    SubnetFacts facts;
    facts.public_key.reset();
    expect_refused(delegated_certificate(facts), anchor(), "holds no public key");

    SubnetFacts other_owner;
    Bytes other(29, 0x43);
    other.back() = 0x02;
    other_owner.key_owner = Principal(other);  // a key, but certified for another subnet
    expect_refused(delegated_certificate(other_owner), anchor(), "holds no public key");

    SubnetFacts raw_key;
    raw_key.public_key = Bytes(96, 0x22);
    expect_refused(delegated_certificate(raw_key), anchor(), "public key of subnet");
}

TEST(CertificateDelegation, RefusesAMalformedDelegationCertificate) {
    Bytes certificate = encode_certificate(
        forest({time_node(now)}), delegation_value(test_subnet(), to_bytes("not a certificate")));
    expect_refused(certificate, anchor(), "delegation's certificate for subnet");

    SubnetFacts short_signature;
    short_signature.signature = Bytes(47, 0x03);
    expect_refused(delegated_certificate(short_signature), anchor(), "signature has 47 bytes");
}

TEST(CertificateDelegation, RefusesSignaturesByTheWrongKeys) {
    SubnetFacts forged;
    forged.signer = 0x33;  // the delegation is not signed by the root key
    expect_refused(delegated_certificate(forged), anchor(),
                   "the delegation's certificate for subnet " + test_subnet().to_text() +
                       " (signed by the root key) failed BLS verification");
    // The outer certificate must be signed by the subnet's key, not the root key's.
    Bytes by_root = encode_certificate(forest({time_node(now)}),
                                       delegation_value(test_subnet(), delegation_certificate({})),
                                       std::nullopt, root_secret);
    expect_refused(by_root, anchor(), "(signed by the key of subnet " + test_subnet().to_text());
    SubnetFacts bad_key;
    bad_key.public_key = der_key(subnet_secret);
    bad_key.public_key->back() ^= 1;  // most likely not on the curve; never the signer's key
    expect_refused(delegated_certificate(bad_key), anchor(), "failed BLS verification");
}

TEST(CertificateDelegation, FreshnessIsStillChecked) {
    expect_refused(delegated_certificate({}, now - 6 * minute), anchor(), "stale");
}

}  // namespace
}  // namespace ic
