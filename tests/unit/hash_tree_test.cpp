#include "ic/hash_tree.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "ic/error.hpp"

namespace ic {
namespace {

using Status = HashTree::LookupStatus;

// The example of the interface spec, "Certification" > "Example", with its expected lookups.
constexpr char spec_tree_hex[] =
    "8301830183024161830183018302417882034568656c6c6f810083024179820345776f726c6483024162820344"
    "676f6f648301830241638100830241648203476d6f726e696e67";
constexpr char spec_pruned_tree_hex[] =
    "83018301830241618301820458201b4feff9bef8131788b0c9dc6dbad6e81e524249c879e9f10f71ce3749f5a6"
    "3883024179820345776f726c6483024162820458207b32ac0c6ba8ce35ac82c255fc7906f7fc130dab2a090f80"
    "fe12f9c2cae83ba6830182045820ec8324b8a1f1ac16bd2e806edba78006479c9877fed4eb464a25485465af60"
    "1d830241648203476d6f726e696e67";
constexpr char spec_root_hash[] =
    "eb5c5b2195e62d996b84c9bcc8259d19a83786a2f59e0878cec84c811f669aa0";

HashTree tree_from_hex(const char* hex) { return HashTree::from_cbor(cbor::decode(from_hex(hex))); }

std::vector<Bytes> path(std::initializer_list<std::string_view> labels) {
    std::vector<Bytes> out;
    for (auto l : labels) out.push_back(label(l));
    return out;
}

std::string found_text(const HashTree::LookupResult& r) {
    EXPECT_EQ(r.status, Status::Found);
    return std::string(r.value.begin(), r.value.end());
}

Hash hash_of(const char* hex) {
    Bytes bytes = from_hex(hex);
    Hash h{};
    std::copy(bytes.begin(), bytes.end(), h.begin());
    return h;
}

HashTree labeled(std::string_view l, HashTree t) {
    return HashTree::labeled(label(l), std::move(t));
}
HashTree leaf(std::string_view v) { return HashTree::leaf(to_bytes(v)); }
HashTree some_pruned() { return HashTree::pruned(hash_of(spec_root_hash)); }

// CBOR Value builders for malformed trees.
cbor::Value node(std::vector<cbor::Value> items) {
    return cbor::Value(cbor::Array(std::move(items)));
}
cbor::Value u(std::uint64_t v) { return cbor::Value(v); }
cbor::Value b(std::string_view s) { return cbor::Value(to_bytes(s)); }
cbor::Value leaf_node(std::string_view v) { return node({u(3), b(v)}); }

void expect_rejected(const cbor::Value& value, std::size_t max_depth = 256) {
    try {
        HashTree::from_cbor(value, max_depth);
        ADD_FAILURE() << "accepted a malformed tree";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Protocol) << e.what();
    }
}

TEST(HashTree, SpecExampleRootHash) {
    EXPECT_EQ(to_hex(tree_from_hex(spec_tree_hex).digest()), spec_root_hash);
}

TEST(HashTree, SpecPrunedExampleKeepsTheRootHash) {
    EXPECT_EQ(to_hex(tree_from_hex(spec_pruned_tree_hex).digest()), spec_root_hash);
}

TEST(HashTree, DomainSeparatorsCarryTheirLength) {
    // Computed independently: sha256(b"\x11ic-hashtree-empty") and so on.
    EXPECT_EQ(to_hex(HashTree::empty().digest()),
              "4e3ed35c4e2d1ee89996483fb6260a64cffb6c47dbab216e7930e82f8190d120");
    EXPECT_EQ(to_hex(leaf("hello").digest()),
              "99cf694471b0e9c54db36120f914f12537b3a7417c301e10851f341f4d5ca14a");
    EXPECT_EQ(to_hex(labeled("x", leaf("hello")).digest()),
              "3b1f01d5758ceb2755464765730f2787c2ff0df003f88089d30baada4f915687");
    EXPECT_EQ(to_hex(HashTree::pruned(hash_of(spec_root_hash)).digest()), spec_root_hash);
}

TEST(HashTree, BuiltTreeMatchesDecodedTree) {
    HashTree built = HashTree::fork(
        HashTree::fork(labeled("a", HashTree::fork(HashTree::fork(labeled("x", leaf("hello")),
                                                                  HashTree::empty()),
                                                   labeled("y", leaf("world")))),
                       labeled("b", leaf("good"))),
        HashTree::fork(labeled("c", HashTree::empty()), labeled("d", leaf("morning"))));
    EXPECT_EQ(to_hex(built.digest()), spec_root_hash);
}

TEST(HashTree, SpecPrunedExampleLookups) {
    HashTree tree = tree_from_hex(spec_pruned_tree_hex);
    EXPECT_EQ(tree.lookup(path({"a", "a"})).status, Status::Unknown);
    EXPECT_EQ(found_text(tree.lookup(path({"a", "y"}))), "world");
    EXPECT_EQ(tree.lookup(path({"aa"})).status, Status::Absent);
    EXPECT_EQ(tree.lookup(path({"ax"})).status, Status::Absent);
    EXPECT_EQ(tree.lookup(path({"b"})).status, Status::Unknown);
    EXPECT_EQ(tree.lookup(path({"bb"})).status, Status::Unknown);
    EXPECT_EQ(found_text(tree.lookup(path({"d"}))), "morning");
    EXPECT_EQ(tree.lookup(path({"e"})).status, Status::Absent);
}

TEST(HashTree, FullExampleLookups) {
    HashTree tree = tree_from_hex(spec_tree_hex);
    EXPECT_EQ(found_text(tree.lookup(path({"a", "x"}))), "hello");
    EXPECT_EQ(found_text(tree.lookup(path({"a", "y"}))), "world");
    EXPECT_EQ(found_text(tree.lookup(path({"b"}))), "good");
    EXPECT_EQ(found_text(tree.lookup(path({"d"}))), "morning");
    EXPECT_EQ(tree.lookup(path({"c"})).status, Status::Absent);  // labeled Empty
    EXPECT_EQ(tree.lookup(path({"a", "a"})).status, Status::Absent);
    EXPECT_EQ(tree.lookup(path({"a", "z"})).status, Status::Absent);
    EXPECT_EQ(tree.lookup(path({"0"})).status, Status::Absent);
    EXPECT_EQ(tree.lookup(path({"bb"})).status, Status::Absent);
    // Below a leaf there is provably nothing (the spec's find_label(l, [Leaf _]) = Absent).
    EXPECT_EQ(tree.lookup(path({"b", "more"})).status, Status::Absent);
}

TEST(HashTree, PathEndingAtAnInnerNodeIsAnError) {
    HashTree tree = tree_from_hex(spec_tree_hex);
    EXPECT_EQ(tree.lookup({}).status, Status::Error);           // a fork
    EXPECT_EQ(tree.lookup(path({"a"})).status, Status::Error);  // a fork of labels
    EXPECT_EQ(labeled("a", leaf("v")).lookup({}).status, Status::Error);
}

TEST(HashTree, EmptyPathAtEachKindOfNode) {
    EXPECT_EQ(HashTree::empty().lookup({}).status, Status::Absent);
    EXPECT_EQ(found_text(leaf("v").lookup({})), "v");
    EXPECT_EQ(some_pruned().lookup({}).status, Status::Unknown);
    EXPECT_EQ(some_pruned().lookup(path({"anything"})).status, Status::Unknown);
    EXPECT_EQ(HashTree::empty().lookup(path({"anything"})).status, Status::Absent);
}

TEST(HashTree, AbsenceNeedsARevealedNeighbour) {
    // [pruned, "m"]: below "m" the pruned node could hold the label; above it, nothing can.
    HashTree before = HashTree::fork(some_pruned(), labeled("m", leaf("v")));
    EXPECT_EQ(before.lookup(path({"a"})).status, Status::Unknown);
    EXPECT_EQ(before.lookup(path({"z"})).status, Status::Absent);
    EXPECT_EQ(found_text(before.lookup(path({"m"}))), "v");

    HashTree after = HashTree::fork(labeled("m", leaf("v")), some_pruned());
    EXPECT_EQ(after.lookup(path({"a"})).status, Status::Absent);
    EXPECT_EQ(after.lookup(path({"z"})).status, Status::Unknown);

    // ["c", pruned, "m"]: between them the pruned node hides what is there.
    HashTree between = HashTree::fork(labeled("c", leaf("1")),
                                      HashTree::fork(some_pruned(), labeled("m", leaf("2"))));
    EXPECT_EQ(between.lookup(path({"f"})).status, Status::Unknown);
    EXPECT_EQ(between.lookup(path({"a"})).status, Status::Absent);
    EXPECT_EQ(between.lookup(path({"z"})).status, Status::Absent);

    // Adjacent labels prove what lies between; a prefix sorts before its extensions.
    HashTree adjacent = HashTree::fork(labeled("ab", leaf("1")), labeled("b", leaf("2")));
    EXPECT_EQ(adjacent.lookup(path({"abc"})).status, Status::Absent);
    EXPECT_EQ(adjacent.lookup(path({"a"})).status, Status::Absent);
}

TEST(HashTree, LabelsCompareAsUnsignedBytes) {
    HashTree tree = HashTree::fork(HashTree::labeled(Bytes{0x01}, leaf("low")),
                                   HashTree::labeled(Bytes{0xff}, leaf("high")));
    EXPECT_EQ(tree.lookup({Bytes{0x80}}).status, Status::Absent);
    EXPECT_EQ(found_text(tree.lookup({Bytes{0xff}})), "high");
}

TEST(HashTree, Children) {
    HashTree tree = tree_from_hex(spec_tree_hex);
    EXPECT_EQ(tree.children({}), path({"a", "b", "c", "d"}));
    EXPECT_EQ(tree.children(path({"a"})), path({"x", "y"}));
    EXPECT_EQ(tree.children(path({"a", "x"})), std::vector<Bytes>{});  // a leaf
    EXPECT_EQ(tree.children(path({"aa"})), std::vector<Bytes>{});      // absent
    EXPECT_EQ(tree.children(path({"c"})), std::vector<Bytes>{});       // labeled Empty

    HashTree pruned = tree_from_hex(spec_pruned_tree_hex);
    EXPECT_EQ(pruned.children({}), std::nullopt);  // a pruned sibling between b and d
    EXPECT_EQ(pruned.children(path({"a"})), std::nullopt);
    EXPECT_EQ(pruned.children(path({"b"})), std::nullopt);  // the node itself is pruned
    EXPECT_EQ(pruned.children(path({"bb"})), std::nullopt);
    EXPECT_EQ(pruned.children(path({"d"})), std::vector<Bytes>{});
}

TEST(HashTree, RevealedChildrenIgnorePrunedSiblings) {
    HashTree pruned = tree_from_hex(spec_pruned_tree_hex);
    EXPECT_EQ(pruned.revealed_children({}), path({"a", "b", "d"}));
    EXPECT_EQ(pruned.revealed_children(path({"a"})), path({"y"}));
    EXPECT_EQ(pruned.revealed_children(path({"b"})), std::vector<Bytes>{});
    EXPECT_EQ(pruned.revealed_children(path({"bb"})), std::vector<Bytes>{});
}

TEST(HashTree, LookupValueIsTheLeafBytes) {
    HashTree tree = HashTree::leaf(Bytes{0x00, 0x01, 0xff});
    auto r = tree.lookup({});
    ASSERT_EQ(r.status, Status::Found);
    EXPECT_EQ(Bytes(r.value.begin(), r.value.end()), (Bytes{0x00, 0x01, 0xff}));
}

TEST(HashTree, FromCborRejectsMalformedNodes) {
    expect_rejected(u(0));                                    // not an array
    expect_rejected(node({}));                                // no tag
    expect_rejected(node({b("x")}));                          // tag is not a number
    expect_rejected(node({cbor::Value(cbor::Negative{0})}));  // negative tag
    expect_rejected(node({u(5)}));                            // unknown tag
    expect_rejected(node({u(0), u(0)}));                      // empty with an extra element
    expect_rejected(node({u(1), node({u(0)})}));              // fork with one child
    expect_rejected(node({u(1), node({u(0)}), node({u(0)}), node({u(0)})}));
    expect_rejected(node({u(2), cbor::Value("a"), leaf_node("v")}));  // text label
    expect_rejected(node({u(2), b("a")}));                            // labeled without subtree
    expect_rejected(node({u(3)}));                                    // leaf without value
    expect_rejected(node({u(3), cbor::Value("text")}));               // leaf of text
    expect_rejected(node({u(3), b("v"), b("w")}));
    expect_rejected(node({u(4), cbor::Value(Bytes(31, 0))}));  // short hash
    expect_rejected(node({u(4), cbor::Value(Bytes(33, 0))}));  // long hash
    expect_rejected(node({u(4), cbor::Value(Bytes(32, 0)), u(0)}));
    expect_rejected(node({u(1), node({u(0)}), u(3)}));  // malformed child
    expect_rejected(node({u(1), node({u(0)}), node({u(9)})}));
}

TEST(HashTree, FromCborAcceptsEveryKind) {
    cbor::Value value =
        node({u(1), node({u(1), node({u(2), b("a"), leaf_node("v")}), node({u(0)})}),
              node({u(4), cbor::Value(Bytes(32, 7))})});
    HashTree tree = HashTree::from_cbor(value);
    EXPECT_EQ(tree.kind(), HashTree::NodeKind::Fork);
    EXPECT_EQ(found_text(tree.lookup(path({"a"}))), "v");
}

TEST(HashTree, FromCborRejectsTreesThatAreNotWellFormed) {
    auto lab = [](std::string_view l) { return node({u(2), b(l), leaf_node("v")}); };
    expect_rejected(node({u(1), lab("b"), lab("a")}));  // decreasing
    expect_rejected(node({u(1), lab("a"), lab("a")}));  // repeated
    expect_rejected(node({u(1), lab("a"),
                          node({u(1), node({u(4), cbor::Value(Bytes(32, 0))}),
                                lab("a")})}));                    // repeated across a pruned node
    expect_rejected(node({u(1), leaf_node("v"), lab("a")}));      // a leaf beside a label
    expect_rejected(node({u(1), leaf_node("v"), node({u(0)})}));  // a leaf inside a fork
    // Below a label, the same rules apply.
    expect_rejected(node({u(2), b("a"), node({u(1), lab("y"), lab("x")})}));
    // Order is per forest: the same label may appear under different parents.
    EXPECT_NO_THROW(HashTree::from_cbor(
        node({u(1), node({u(2), b("a"), lab("x")}), node({u(2), b("b"), lab("x")})})));
}

TEST(HashTree, FromCborBoundsTheDepth) {
    auto chain = [](std::size_t depth) {  // `depth` nodes: labels down to a leaf
        cbor::Value value = leaf_node("v");
        for (std::size_t i = 1; i < depth; ++i) value = node({u(2), b("l"), std::move(value)});
        return value;
    };
    EXPECT_NO_THROW(HashTree::from_cbor(chain(10), 10));
    expect_rejected(chain(11), 10);
    EXPECT_NO_THROW(HashTree::from_cbor(chain(256)));
    expect_rejected(chain(257));
}

}  // namespace
}  // namespace ic
