// The IC's Merkle hash tree (interface spec, "Certification"): reconstruction and lookup.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "ic/bytes.hpp"
#include "ic/cbor.hpp"
#include "ic/sha256.hpp"

namespace ic {

class HashTree {
public:
    enum class NodeKind { Empty, Fork, Labeled, Leaf, Pruned };

    // From the CBOR form [0] | [1,l,r] | [2,label,t] | [3,value] | [4,hash]. Throws ic::Error
    // (Protocol) on any other shape, on a pruned hash that is not 32 bytes, when deeper than
    // max_depth, or when the tree is not well formed (labels joined by forks must be strictly
    // increasing and a leaf cannot sit beside them), because lookup proves absence from the order.
    static HashTree from_cbor(const cbor::Value& value, std::size_t max_depth = 256);

    static HashTree empty();
    static HashTree fork(HashTree left, HashTree right);
    static HashTree labeled(Bytes label, HashTree subtree);
    static HashTree leaf(Bytes value);
    static HashTree pruned(Hash hash);

    Hash digest() const;  // the reconstructed root hash

    enum class LookupStatus { Found, Absent, Unknown, Error };
    struct LookupResult {
        LookupStatus status;
        ByteView value;  // Found only; points into this tree
    };
    // The spec's lookup_path: Found (a leaf), Absent (provably not there, including a path that
    // continues below a leaf), Unknown (a pruned node could hide it), Error (the path ends at an
    // inner node).
    LookupResult lookup(const std::vector<Bytes>& path) const;

    // The labels directly under `path` (for listing /canister_ranges/<subnet>/ shards); nullopt
    // when a pruned node hides the path or part of the listing. An absent path or a leaf has none.
    std::optional<std::vector<Bytes>> children(const std::vector<Bytes>& path) const;

    // The labels under `path` that this tree reveals, even when pruned nodes hide others: enough
    // for the spec's lookup*, which only concerns the values a certificate does reveal.
    std::vector<Bytes> revealed_children(const std::vector<Bytes>& path) const;

    NodeKind kind() const { return kind_; }

private:
    static HashTree parse(const cbor::Value& value, std::size_t depth, std::size_t max_depth);
    void check_well_formed() const;
    // The spec's flatten_forks: the labeled, leaf and pruned nodes that forks join, in order.
    std::vector<const HashTree*> flatten_forks() const;
    // Follows `path`; Found with the node reached, or why the path cannot be followed.
    std::pair<LookupStatus, const HashTree*> descend(const std::vector<Bytes>& path) const;

    NodeKind kind_ = NodeKind::Empty;
    Bytes data_;                      // label, leaf value or pruned hash
    std::vector<HashTree> children_;  // Fork: 2, Labeled: 1
};

// Path labels from text: {"request_status", <id>, "reply"}.
inline Bytes label(std::string_view text) { return to_bytes(text); }

}  // namespace ic
