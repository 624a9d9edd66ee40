#include "ic/hash_tree.hpp"

#include <algorithm>
#include <string>

#include "ic/error.hpp"

namespace ic {

namespace {

// The spec's domain_sep(s) = byte(|s|) · s, fed straight into the hash.
void domain_sep(Sha256& hash, std::string_view separator) {
    const auto length = static_cast<std::uint8_t>(separator.size());
    hash.update(ByteView(&length, 1)).update(view(separator));
}

}  // namespace

HashTree HashTree::empty() { return HashTree(); }

HashTree HashTree::fork(HashTree left, HashTree right) {
    HashTree tree;
    tree.kind_ = NodeKind::Fork;
    tree.children_.reserve(2);
    tree.children_.push_back(std::move(left));
    tree.children_.push_back(std::move(right));
    return tree;
}

HashTree HashTree::labeled(Bytes label, HashTree subtree) {
    HashTree tree;
    tree.kind_ = NodeKind::Labeled;
    tree.data_ = std::move(label);
    tree.children_.push_back(std::move(subtree));
    return tree;
}

HashTree HashTree::leaf(Bytes value) {
    HashTree tree;
    tree.kind_ = NodeKind::Leaf;
    tree.data_ = std::move(value);
    return tree;
}

HashTree HashTree::pruned(Hash hash) {
    HashTree tree;
    tree.kind_ = NodeKind::Pruned;
    tree.data_ = to_bytes(hash);
    return tree;
}

// ---- CBOR -----------------------------------------------------------------------------------

HashTree HashTree::from_cbor(const cbor::Value& value, std::size_t max_depth) {
    HashTree tree = parse(value, 1, max_depth);
    tree.check_well_formed();
    return tree;
}

// Recursion is bounded by max_depth, which is checked before descending.
HashTree HashTree::parse(const cbor::Value& value, std::size_t depth, std::size_t max_depth) {
    if (depth > max_depth) {
        fail(ErrorKind::Protocol,
             "the hash tree is deeper than " + std::to_string(max_depth) + " levels");
    }
    const cbor::Array& node = value.as_array("hash tree node");
    if (node.empty()) fail(ErrorKind::Protocol, "a hash tree node is an empty array");
    const std::uint64_t tag = node[0].as_uint("hash tree node tag");
    auto expect_size = [&](std::size_t size, const char* name) {
        if (node.size() != size) {
            fail(ErrorKind::Protocol, std::string("a hash tree ") + name + " node has " +
                                          std::to_string(node.size()) + " elements, not " +
                                          std::to_string(size));
        }
    };
    switch (tag) {
        case 0:
            expect_size(1, "empty");
            return empty();
        case 1:
            expect_size(3, "fork");
            return fork(parse(node[1], depth + 1, max_depth), parse(node[2], depth + 1, max_depth));
        case 2:
            expect_size(3, "labeled");
            return labeled(node[1].as_bytes("hash tree label"),
                           parse(node[2], depth + 1, max_depth));
        case 3:
            expect_size(2, "leaf");
            return leaf(node[1].as_bytes("hash tree leaf"));
        case 4: {
            expect_size(2, "pruned");
            const Bytes& bytes = node[1].as_bytes("pruned hash");
            Hash hash{};
            if (bytes.size() != hash.size()) {
                fail(ErrorKind::Protocol,
                     "a pruned hash has " + std::to_string(bytes.size()) + " bytes, not 32");
            }
            std::copy(bytes.begin(), bytes.end(), hash.begin());
            return pruned(hash);
        }
        default:
            fail(ErrorKind::Protocol, "unknown hash tree node tag " + std::to_string(tag));
    }
}

// The spec's well_formed: lookup proves absence from the order of neighbouring labels, which is
// only sound when that order is strict. Recursion follows the (already bounded) tree depth.
void HashTree::check_well_formed() const {
    if (kind_ == NodeKind::Leaf) return;
    const Bytes* previous = nullptr;
    for (const HashTree* node : flatten_forks()) {
        if (node->kind_ == NodeKind::Leaf) {
            fail(ErrorKind::Protocol, "the hash tree joins a leaf with other nodes");
        }
        if (node->kind_ != NodeKind::Labeled) continue;
        if (previous && !(*previous < node->data_)) {
            fail(ErrorKind::Protocol,
                 "the hash tree's labels are not in strictly increasing order");
        }
        previous = &node->data_;
        node->children_.front().check_well_formed();
    }
}

// ---- reconstruction -------------------------------------------------------------------------

Hash HashTree::digest() const {
    Sha256 hash;
    switch (kind_) {
        case NodeKind::Empty:
            domain_sep(hash, "ic-hashtree-empty");
            break;
        case NodeKind::Fork:
            domain_sep(hash, "ic-hashtree-fork");
            hash.update(children_[0].digest()).update(children_[1].digest());
            break;
        case NodeKind::Labeled:
            domain_sep(hash, "ic-hashtree-labeled");
            hash.update(data_).update(children_[0].digest());
            break;
        case NodeKind::Leaf:
            domain_sep(hash, "ic-hashtree-leaf");
            hash.update(data_);
            break;
        case NodeKind::Pruned: {
            Hash stored{};
            std::copy(data_.begin(), data_.end(), stored.begin());
            return stored;
        }
    }
    return hash.finish();
}

// ---- lookup ---------------------------------------------------------------------------------

// An explicit stack, because a fork chain in a tree built by hand need not be shallow.
std::vector<const HashTree*> HashTree::flatten_forks() const {
    std::vector<const HashTree*> out;
    std::vector<const HashTree*> pending{this};
    while (!pending.empty()) {
        const HashTree* node = pending.back();
        pending.pop_back();
        if (node->kind_ == NodeKind::Fork) {
            pending.push_back(&node->children_[1]);
            pending.push_back(&node->children_[0]);
        } else if (node->kind_ != NodeKind::Empty) {
            out.push_back(node);
        }
    }
    return out;
}

namespace {

// What find_label needs to know of a node in a flattened forest.
struct ForestEntry {
    HashTree::NodeKind kind;
    const Bytes* label;  // Labeled only
};

// The spec's find_label, clause by clause; Found carries the index of the matching entry.
// Absence needs a proof: the label falls between two adjacent revealed labels, before the first
// or after the last, or the forest is empty or a lone leaf. Anything else could hide the label
// behind a pruned node.
std::pair<HashTree::LookupStatus, std::size_t> find_label(const Bytes& label,
                                                          const std::vector<ForestEntry>& forest) {
    using Status = HashTree::LookupStatus;
    for (std::size_t i = 0; i < forest.size(); ++i) {
        if (forest[i].label && *forest[i].label == label) return {Status::Found, i};
    }
    if (forest.empty()) return {Status::Absent, 0};
    if (forest.size() == 1 && forest.front().kind == HashTree::NodeKind::Leaf) {
        return {Status::Absent, 0};
    }
    for (std::size_t i = 0; i + 1 < forest.size(); ++i) {
        const Bytes* below = forest[i].label;
        const Bytes* above = forest[i + 1].label;
        if (below && above && *below < label && label < *above) return {Status::Absent, 0};
    }
    if (forest.front().label && label < *forest.front().label) return {Status::Absent, 0};
    if (forest.back().label && *forest.back().label < label) return {Status::Absent, 0};
    return {Status::Unknown, 0};
}

}  // namespace

std::pair<HashTree::LookupStatus, const HashTree*> HashTree::descend(
    const std::vector<Bytes>& path) const {
    const HashTree* node = this;
    for (const Bytes& label : path) {
        const std::vector<const HashTree*> forest = node->flatten_forks();
        std::vector<ForestEntry> entries;
        entries.reserve(forest.size());
        for (const HashTree* entry : forest) {
            entries.push_back(
                {entry->kind_, entry->kind_ == NodeKind::Labeled ? &entry->data_ : nullptr});
        }
        auto [status, index] = find_label(label, entries);
        if (status != LookupStatus::Found) return {status, nullptr};
        node = &forest[index]->children_.front();
    }
    return {LookupStatus::Found, node};
}

HashTree::LookupResult HashTree::lookup(const std::vector<Bytes>& path) const {
    auto [status, node] = descend(path);
    if (status != LookupStatus::Found) return {status, {}};
    switch (node->kind_) {
        case NodeKind::Empty:
            return {LookupStatus::Absent, {}};
        case NodeKind::Leaf:
            return {LookupStatus::Found, node->data_};
        case NodeKind::Pruned:
            return {LookupStatus::Unknown, {}};
        case NodeKind::Fork:
        case NodeKind::Labeled:
            break;
    }
    return {LookupStatus::Error, {}};
}

std::optional<std::vector<Bytes>> HashTree::children(const std::vector<Bytes>& path) const {
    auto [status, node] = descend(path);
    if (status == LookupStatus::Absent) return std::vector<Bytes>{};
    if (status != LookupStatus::Found || node->kind_ == NodeKind::Pruned) return std::nullopt;
    if (node->kind_ == NodeKind::Leaf) return std::vector<Bytes>{};
    std::vector<Bytes> labels;
    for (const HashTree* child : node->flatten_forks()) {
        if (child->kind_ == NodeKind::Pruned) return std::nullopt;
        if (child->kind_ == NodeKind::Labeled) labels.push_back(child->data_);
    }
    return labels;
}

std::vector<Bytes> HashTree::revealed_children(const std::vector<Bytes>& path) const {
    auto [status, node] = descend(path);
    std::vector<Bytes> labels;
    if (status != LookupStatus::Found || node->kind_ == NodeKind::Leaf) return labels;
    for (const HashTree* child : node->flatten_forks()) {
        if (child->kind_ == NodeKind::Labeled) labels.push_back(child->data_);
    }
    return labels;
}

}  // namespace ic
