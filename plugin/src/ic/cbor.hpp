// CBOR (RFC 8949) as the IC uses it: envelopes, replies, certificates, hash trees.
// Decoding is strict and bounded because the bytes come from the network.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "ic/bytes.hpp"

namespace ic::cbor {

class Value;
using Array = std::vector<Value>;
// The IC's maps always have text keys; order is kept as received (encoding order as given).
using Map = std::vector<std::pair<std::string, Value>>;

struct Null {
    bool operator==(const Null&) const = default;
};
// A negative integer -1 - n, kept as n so that every CBOR integer fits.
struct Negative {
    std::uint64_t n;
    bool operator==(const Negative&) const = default;
};
struct Tagged;

class Value {
public:
    using Storage = std::variant<Null, bool, std::uint64_t, Negative, Bytes, std::string, Array,
                                 Map, std::vector<Tagged>>;

    // Defined below Tagged: constructing the variant needs every alternative complete (clang
    // with libstdc++ refuses them here).
    Value() = default;
    Value(std::uint64_t v);
    Value(bool v);
    Value(Negative v);
    Value(Bytes v);
    Value(std::string v);
    Value(const char* v);
    Value(Array v);
    Value(Map v);
    static Value tagged(std::uint64_t tag, Value inner);

    bool is_null() const { return std::holds_alternative<Null>(storage_); }
    bool is_uint() const { return std::holds_alternative<std::uint64_t>(storage_); }
    bool is_bytes() const { return std::holds_alternative<Bytes>(storage_); }
    bool is_text() const { return std::holds_alternative<std::string>(storage_); }
    bool is_array() const { return std::holds_alternative<Array>(storage_); }
    bool is_map() const { return std::holds_alternative<Map>(storage_); }
    bool is_tagged() const { return std::holds_alternative<std::vector<Tagged>>(storage_); }

    // Typed access; each throws ic::Error (Protocol) naming `what` when the type differs.
    std::uint64_t as_uint(std::string_view what = "value") const;
    const Bytes& as_bytes(std::string_view what = "value") const;
    const std::string& as_text(std::string_view what = "value") const;
    const Array& as_array(std::string_view what = "value") const;
    const Map& as_map(std::string_view what = "value") const;
    std::uint64_t tag() const;
    const Value& tagged_value() const;

    // Map lookup: nullptr when absent (or when this is not a map).
    const Value* find(std::string_view key) const;
    // Map lookup that throws ic::Error (Protocol) naming the missing key.
    const Value& at(std::string_view key) const;

    const Storage& storage() const { return storage_; }
    bool operator==(const Value& other) const;

private:
    Storage storage_;
};

struct Tagged {
    std::uint64_t tag;
    Value value;
    bool operator==(const Tagged&) const = default;
};

inline Value::Value(std::uint64_t v) : storage_(v) {}
inline Value::Value(bool v) : storage_(v) {}
inline Value::Value(Negative v) : storage_(v) {}
inline Value::Value(Bytes v) : storage_(std::move(v)) {}
inline Value::Value(std::string v) : storage_(std::move(v)) {}
inline Value::Value(const char* v) : storage_(std::string(v)) {}
inline Value::Value(Array v) : storage_(std::move(v)) {}
inline Value::Value(Map v) : storage_(std::move(v)) {}

constexpr std::uint64_t self_describe_tag = 55799;

struct DecodeLimits {
    std::size_t max_depth = 128;
};

// Decodes exactly one item spanning all of `bytes`, dropping a leading self-describe tag.
// Throws ic::Error (Protocol) on malformed, truncated or trailing bytes, on floats and
// undefined (which the IC never sends), on non-text map keys and on nesting beyond the limit.
Value decode(ByteView bytes, DecodeLimits limits = {});

// Canonical encoding with definite lengths, optionally prefixed by the self-describe tag.
Bytes encode(const Value& value, bool self_describe = true);

}  // namespace ic::cbor
