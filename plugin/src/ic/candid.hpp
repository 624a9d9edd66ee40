// Candid (the IC's interface description language), binary form: encoding of the arguments the
// helper sends and decoding of the replies it reads. Decoding follows the sender's type table and
// is strict on malformed bytes; accessors are lenient on extra fields, so that replies keep
// decoding when the IC adds fields.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "ic/bytes.hpp"
#include "ic/principal.hpp"

namespace ic::candid {

// ---- types ------------------------------------------------------------------------------------

// clang-format off
enum class Kind {
    Null, Bool, Nat, Int, Nat8, Nat16, Nat32, Nat64, Int8, Int16, Int32, Int64,
    Float32, Float64, Text, Reserved, Empty, Principal,
    Opt, Vec, Record, Variant,
};
// clang-format on

struct Type;
using TypePtr = std::shared_ptr<const Type>;

// The id of a field named `name`: sum of utf8[i] * 223^(k-i) mod 2^32.
std::uint32_t field_id(std::string_view name);

struct Field {
    std::uint32_t id;
    TypePtr type;
};

struct Type {
    Kind kind;
    TypePtr inner;              // Opt, Vec
    std::vector<Field> fields;  // Record, Variant: sorted by id
};

// Builders for the types the helper sends. record/variant sort their fields by id.
namespace t {
TypePtr null();
TypePtr bool_();
TypePtr nat();
TypePtr int_();
TypePtr nat8();
TypePtr nat16();
TypePtr nat32();
TypePtr nat64();
TypePtr int8();
TypePtr int16();
TypePtr int32();
TypePtr int64();
TypePtr float32();
TypePtr float64();
TypePtr text();
TypePtr reserved();
TypePtr empty();
TypePtr principal();
TypePtr blob();  // vec nat8
TypePtr opt(TypePtr inner);
TypePtr vec(TypePtr inner);
TypePtr record(std::vector<std::pair<std::string, TypePtr>> fields);
TypePtr variant(std::vector<std::pair<std::string, TypePtr>> fields);
}  // namespace t

// ---- values -----------------------------------------------------------------------------------

// An arbitrary-precision nat or int, as its magnitude in little-endian bytes (no trailing zeros)
// and a sign. The IC's cycles and memory sizes are nats that can exceed 64 bits.
struct BigInt {
    Bytes magnitude;
    bool negative = false;

    static BigInt from_u64(std::uint64_t v);
    static BigInt from_i64(std::int64_t v);
    // Throws ic::Error (Protocol) when the value does not fit.
    std::uint64_t to_u64() const;
    std::string to_string() const;  // decimal
    bool operator==(const BigInt&) const = default;
};

class Value;
using Record = std::vector<std::pair<std::uint32_t, Value>>;  // sorted by field id

struct VariantValue;

class Value {
public:
    struct Null {
        bool operator==(const Null&) const = default;
    };
    struct Reserved {
        bool operator==(const Reserved&) const = default;
    };
    using Storage = std::variant<Null, Reserved, bool, BigInt /*nat, int*/, std::uint64_t /*natN*/,
                                 std::int64_t /*intN*/, float, double, std::string, Principal,
                                 std::vector<Value> /*opt: 0 or 1 item*/, Bytes /*vec nat8*/,
                                 std::vector<std::vector<Value>> /*vec: one element*/, Record,
                                 std::vector<VariantValue> /*one element*/>;

    Value() = default;  // null
    static Value null();
    static Value reserved();
    static Value boolean(bool v);
    static Value nat(std::uint64_t v);
    static Value nat(BigInt v);  // throws when negative
    static Value int_(std::int64_t v);
    static Value int_(BigInt v);
    static Value fixed_nat(std::uint64_t v);  // nat8/16/32/64: the width comes from the type
    static Value fixed_int(std::int64_t v);   // int8/16/32/64
    static Value float32(float v);
    static Value float64(double v);
    static Value text(std::string v);
    static Value principal(Principal v);
    static Value blob(Bytes v);
    static Value some(Value v);
    static Value none();
    static Value vec(std::vector<Value> items);
    // Fields by name; sorted by id here.
    static Value record(std::vector<std::pair<std::string, Value>> fields);
    // Overloads rather than a default argument: Value is incomplete here, and clang instantiates
    // a default argument's construction at the end of the class.
    static Value variant(std::string_view name);  // a case without data (null)
    static Value variant(std::string_view name, Value v);
    // By field id, for fields known only by number (what decoding produces).
    static Value from_record(Record fields);  // must be sorted by id, without duplicates
    static Value from_variant(std::uint32_t id, Value v);

    // ---- access (each throws ic::Error (Protocol) naming what was expected) ----
    bool is_null() const;
    bool as_bool() const;
    std::uint64_t as_u64() const;  // nat, natN, or a non-negative int that fits
    std::int64_t as_i64() const;
    const BigInt& as_bigint() const;
    const std::string& as_text() const;
    const Principal& as_principal() const;
    const Bytes& as_blob() const;       // vec nat8
    std::vector<Value> as_vec() const;  // any vec (blob items become nat8 values)
    std::size_t vec_size() const;
    // opt: nullptr when none (also accepts null and reserved as "absent", per opt subtyping). Any
    // other value is returned as itself, as Candid lets a `t` stand where an `opt t` is expected.
    const Value* as_opt() const;
    // Record field by name: nullptr when absent.
    const Value* find(std::string_view name) const;
    // Record field by name; throws when absent.
    const Value& at(std::string_view name) const;
    // Optional record field: nullptr when the field is absent, null or none.
    const Value* opt_field(std::string_view name) const;
    // Variant: the chosen field's id and value.
    std::uint32_t variant_id() const;
    const Value& variant_value() const;
    bool is_variant(std::string_view name) const;

    const Storage& storage() const { return storage_; }
    bool operator==(const Value& other) const;

private:
    Storage storage_;
};

struct VariantValue {
    std::uint32_t id;
    Value value;
    bool operator==(const VariantValue&) const = default;
};

// Out of the class: building a Value instantiates its storage, which needs VariantValue complete.
inline Value Value::null() { return Value(); }

struct Arg {
    TypePtr type;
    Value value;
};

// "DIDL" + type table + argument types + values. Throws ic::Error (Protocol) when a value does
// not match its type (a missing or extra record field, an unknown variant case, a wrong kind, a
// number out of range). Integer kinds accept any integer value that fits: nat, fixed_nat or
// fixed_int for a nat64 and so on. Identical composite types share one table entry.
Bytes encode(const std::vector<Arg>& args);

struct DecodeLimits {
    std::size_t max_depth = 64;
    // Every decoded value (a vector item, a record field, a blob or text as a whole) counts, so
    // values that take no bytes (vec null, recursive records) cannot make the work run away.
    std::size_t max_elements = 1 << 20;
};

// Decodes a message against the type table it carries. Throws ic::Error (Protocol) on anything
// malformed: bad magic, bad LEB128 (truncated, or wider than 64 bits where a count, index or
// id is read), type-table indexes out of range, unsorted or duplicate field ids, invalid
// UTF-8, bad principals, truncated values, trailing bytes, limits exceeded. As the Candid test
// suite requires, zero-padded LEB128 (80 00 for 0) is accepted; func and service types are not
// (no method used here has them).
std::vector<Value> decode(ByteView bytes, DecodeLimits limits = {});

}  // namespace ic::candid
