#include "ic/candid.hpp"

#include <algorithm>
#include <bit>
#include <limits>
#include <map>
#include <optional>

#include "ic/error.hpp"
#include "ic/leb128.hpp"

namespace ic::candid {

namespace {

[[noreturn]] void protocol(const std::string& message) {
    fail(ErrorKind::Protocol, "Candid: " + message);
}

// ---- opcodes ----------------------------------------------------------------------------------

// Type opcodes are negative SLEB128 numbers; non-negative numbers are type-table indexes.
constexpr std::int64_t op_opt = -18;
constexpr std::int64_t op_vec = -19;
constexpr std::int64_t op_record = -20;
constexpr std::int64_t op_variant = -21;
constexpr std::int64_t op_func = -22;
constexpr std::int64_t op_service = -23;
constexpr std::int64_t op_nat8 = -5;

struct KindInfo {
    Kind kind;
    std::int64_t opcode;
    const char* name;
    unsigned width;  // bytes of the fixed-width integers, 0 for the rest
};

// In the order of Kind, so that a kind indexes its own row.
constexpr KindInfo kinds[] = {
    {Kind::Null, -1, "null", 0},
    {Kind::Bool, -2, "bool", 0},
    {Kind::Nat, -3, "nat", 0},
    {Kind::Int, -4, "int", 0},
    {Kind::Nat8, -5, "nat8", 1},
    {Kind::Nat16, -6, "nat16", 2},
    {Kind::Nat32, -7, "nat32", 4},
    {Kind::Nat64, -8, "nat64", 8},
    {Kind::Int8, -9, "int8", 1},
    {Kind::Int16, -10, "int16", 2},
    {Kind::Int32, -11, "int32", 4},
    {Kind::Int64, -12, "int64", 8},
    {Kind::Float32, -13, "float32", 0},
    {Kind::Float64, -14, "float64", 0},
    {Kind::Text, -15, "text", 0},
    {Kind::Reserved, -16, "reserved", 0},
    {Kind::Empty, -17, "empty", 0},
    {Kind::Principal, -24, "principal", 0},
    {Kind::Opt, op_opt, "opt", 0},
    {Kind::Vec, op_vec, "vec", 0},
    {Kind::Record, op_record, "record", 0},
    {Kind::Variant, op_variant, "variant", 0},
};

constexpr bool kinds_in_order() {
    for (std::size_t i = 0; i < std::size(kinds); ++i) {
        if (static_cast<std::size_t>(kinds[i].kind) != i) return false;
    }
    return true;
}
static_assert(kinds_in_order());

const KindInfo& info(Kind kind) {
    auto i = static_cast<std::size_t>(kind);
    if (i >= std::size(kinds)) protocol("unknown type kind");
    return kinds[i];
}

std::int64_t opcode(Kind kind) { return info(kind).opcode; }
const char* kind_name(Kind kind) { return info(kind).name; }
unsigned fixed_width(Kind kind) { return info(kind).width; }

bool is_composite(Kind kind) {
    return kind == Kind::Opt || kind == Kind::Vec || kind == Kind::Record || kind == Kind::Variant;
}

// The primitive type an opcode names; composite opcodes and unknown ones give nothing.
std::optional<Kind> primitive_kind(std::int64_t op) {
    for (const auto& k : kinds) {
        if (k.opcode == op && !is_composite(k.kind)) return k.kind;
    }
    return std::nullopt;
}

// What a value holds, for error messages. Order follows Value::Storage.
const char* describe(const Value::Storage& s) {
    // clang-format off
    static constexpr const char* names[] = {
        "null", "reserved", "bool", "nat or int", "fixed-width nat", "fixed-width int", "float32",
        "float64", "text", "principal", "opt", "blob", "vec", "record", "variant"};
    // clang-format on
    static_assert(std::size(names) == std::variant_size_v<Value::Storage>);
    return names[s.index()];
}

[[noreturn]] void expected(const char* what, const Value::Storage& got) {
    protocol(std::string("expected ") + what + ", got " + describe(got));
}

bool valid_utf8(ByteView s) {
    std::size_t i = 0;
    while (i < s.size()) {
        std::uint8_t c = s[i];
        if (c < 0x80) {
            ++i;
            continue;
        }
        std::size_t len = 0;
        std::uint32_t cp = 0;
        std::uint32_t min = 0;
        if ((c & 0xe0) == 0xc0) {
            len = 2, cp = c & 0x1fu, min = 0x80;
        } else if ((c & 0xf0) == 0xe0) {
            len = 3, cp = c & 0x0fu, min = 0x800;
        } else if ((c & 0xf8) == 0xf0) {
            len = 4, cp = c & 0x07u, min = 0x10000;
        } else {
            return false;
        }
        if (s.size() - i < len) return false;
        for (std::size_t k = 1; k < len; ++k) {
            if ((s[i + k] & 0xc0) != 0x80) return false;
            cp = (cp << 6) | (s[i + k] & 0x3fu);
        }
        // Overlong forms and surrogates would let two byte strings mean the same text.
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
        i += len;
    }
    return true;
}

// ---- big integers -----------------------------------------------------------------------------

std::size_t significant_size(const Bytes& magnitude) {
    std::size_t n = magnitude.size();
    while (n > 0 && magnitude[n - 1] == 0) --n;
    return n;
}

void strip(Bytes& magnitude) { magnitude.resize(significant_size(magnitude)); }

// Writes `value` (two's complement, little-endian, extended by `sign` bits beyond its end) as
// LEB128 groups: unsigned when `is_signed` is false.
void write_big_leb(Bytes& out, const Bytes& value, bool sign, bool is_signed) {
    const std::size_t total_bits = value.size() * 8;
    auto bit = [&](std::size_t i) -> unsigned {
        if (i >= total_bits) return sign ? 1 : 0;
        return (value[i / 8] >> (i % 8)) & 1u;
    };
    // The highest bit that differs from the sign decides how many groups are needed.
    std::ptrdiff_t high = -1;
    for (std::size_t i = total_bits; i > 0; --i) {
        if (bit(i - 1) != (sign ? 1u : 0u)) {
            high = static_cast<std::ptrdiff_t>(i - 1);
            break;
        }
    }
    std::size_t groups = 0;
    if (is_signed) {
        // The top group's bit 6 carries the sign, so it must sit above `high`.
        groups = static_cast<std::size_t>(high + 1) / 7 + 1;
    } else {
        groups = high < 0 ? 1 : static_cast<std::size_t>(high) / 7 + 1;
    }
    for (std::size_t g = 0; g < groups; ++g) {
        unsigned byte = 0;
        for (unsigned b = 0; b < 7; ++b) byte |= bit(g * 7 + b) << b;
        if (g + 1 < groups) byte |= 0x80;
        out.push_back(static_cast<std::uint8_t>(byte));
    }
}

// Two's complement negation in place, over the vector's width.
void negate(Bytes& value) {
    unsigned carry = 1;
    for (auto& byte : value) {
        unsigned v = static_cast<std::uint8_t>(~byte) + carry;
        byte = static_cast<std::uint8_t>(v);
        carry = v >> 8;
    }
}

void write_nat(Bytes& out, const BigInt& v) { write_big_leb(out, v.magnitude, false, false); }

void write_int(Bytes& out, const BigInt& v) {
    Bytes tc = v.magnitude;
    strip(tc);
    if (v.negative && !tc.empty()) {
        negate(tc);
        write_big_leb(out, tc, true, true);
    } else {
        write_big_leb(out, tc, false, true);
    }
}

BigInt normalized(BigInt v) {
    strip(v.magnitude);
    if (v.magnitude.empty()) v.negative = false;
    return v;
}

// ---- encoding ---------------------------------------------------------------------------------

void check_fields(const Type& type) {
    for (std::size_t i = 0; i < type.fields.size(); ++i) {
        if (!type.fields[i].type) protocol("a field type is missing");
        if (i > 0 && type.fields[i - 1].id >= type.fields[i].id) {
            protocol(std::string(kind_name(type.kind)) +
                     " type has unsorted or duplicate field ids at " +
                     std::to_string(type.fields[i].id));
        }
    }
}

class Encoder {
public:
    Bytes encode(const std::vector<Arg>& args) {
        Bytes arg_types;
        write_uleb128(arg_types, args.size());
        for (const auto& arg : args) {
            if (!arg.type) protocol("an argument has no type");
            write_sleb128(arg_types, reference(*arg.type));
        }
        Bytes out = to_bytes("DIDL");
        write_uleb128(out, count_);
        append(out, table_);
        append(out, arg_types);
        for (const auto& arg : args) write_value(*arg.type, arg.value, out);
        return out;
    }

private:
    // The opcode of a primitive type, or the table index of a composite one. Identical
    // composite types share one table entry: a child's entry is settled before its parent's, so
    // equal entry bytes mean equal types.
    std::int64_t reference(const Type& type) {
        if (!is_composite(type.kind)) return opcode(type.kind);
        if (auto it = by_node_.find(&type); it != by_node_.end()) return it->second;
        Bytes entry;
        write_sleb128(entry, opcode(type.kind));
        if (type.kind == Kind::Opt || type.kind == Kind::Vec) {
            if (!type.inner) {
                protocol(std::string(kind_name(type.kind)) + " type has no inner type");
            }
            write_sleb128(entry, reference(*type.inner));
        } else {
            check_fields(type);
            write_uleb128(entry, type.fields.size());
            for (const auto& field : type.fields) {
                write_uleb128(entry, field.id);
                write_sleb128(entry, reference(*field.type));
            }
        }
        auto [it, added] =
            by_entry_.try_emplace(std::move(entry), static_cast<std::int64_t>(count_));
        if (added) {
            append(table_, it->first);
            ++count_;
        }
        by_node_.emplace(&type, it->second);
        return it->second;
    }

    static std::uint64_t unsigned_of(const Value& v, const Type& type) {
        const auto& s = v.storage();
        if (const auto* u = std::get_if<std::uint64_t>(&s)) return *u;
        if (const auto* i = std::get_if<std::int64_t>(&s)) {
            if (*i < 0) protocol(std::to_string(*i) + " does not fit " + kind_name(type.kind));
            return static_cast<std::uint64_t>(*i);
        }
        if (const auto* b = std::get_if<BigInt>(&s)) return b->to_u64();
        expected(kind_name(type.kind), s);
    }

    static std::int64_t signed_of(const Value& v, const Type& type) {
        const auto& s = v.storage();
        if (const auto* i = std::get_if<std::int64_t>(&s)) return *i;
        if (std::holds_alternative<std::uint64_t>(s) || std::holds_alternative<BigInt>(s)) {
            return v.as_i64();
        }
        expected(kind_name(type.kind), s);
    }

    static void write_fixed(Bytes& out, std::uint64_t bits, unsigned width) {
        for (unsigned i = 0; i < width; ++i) {
            out.push_back(static_cast<std::uint8_t>(bits >> (8 * i)));
        }
    }

    void write_value(const Type& type, const Value& value, Bytes& out) {
        const auto& s = value.storage();
        switch (type.kind) {
            case Kind::Null:
                if (!std::holds_alternative<Value::Null>(s)) expected("null", s);
                return;
            case Kind::Reserved:
                if (!std::holds_alternative<Value::Reserved>(s) &&
                    !std::holds_alternative<Value::Null>(s)) {
                    expected("reserved", s);
                }
                return;
            case Kind::Empty:
                protocol("no value has type empty");
            case Kind::Bool:
                if (const auto* b = std::get_if<bool>(&s)) {
                    out.push_back(*b ? 1 : 0);
                    return;
                }
                expected("bool", s);
            case Kind::Nat:
                if (const auto* b = std::get_if<BigInt>(&s)) {
                    BigInt n = normalized(*b);
                    if (n.negative) protocol("a negative number does not fit nat");
                    write_nat(out, n);
                } else {
                    write_uleb128(out, unsigned_of(value, type));
                }
                return;
            case Kind::Int:
                if (const auto* b = std::get_if<BigInt>(&s)) {
                    write_int(out, *b);
                } else if (const auto* u = std::get_if<std::uint64_t>(&s)) {
                    write_int(out, BigInt::from_u64(*u));
                } else {
                    write_sleb128(out, signed_of(value, type));
                }
                return;
            case Kind::Nat8:
            case Kind::Nat16:
            case Kind::Nat32:
            case Kind::Nat64: {
                unsigned width = fixed_width(type.kind);
                std::uint64_t v = unsigned_of(value, type);
                if (width < 8 && v >> (8 * width) != 0) {
                    protocol(std::to_string(v) + " does not fit " + kind_name(type.kind));
                }
                write_fixed(out, v, width);
                return;
            }
            case Kind::Int8:
            case Kind::Int16:
            case Kind::Int32:
            case Kind::Int64: {
                unsigned width = fixed_width(type.kind);
                std::int64_t v = signed_of(value, type);
                if (width < 8) {
                    std::int64_t limit = std::int64_t{1} << (8 * width - 1);
                    if (v < -limit || v >= limit) {
                        protocol(std::to_string(v) + " does not fit " + kind_name(type.kind));
                    }
                }
                write_fixed(out, static_cast<std::uint64_t>(v), width);
                return;
            }
            case Kind::Float32:
                if (const auto* f = std::get_if<float>(&s)) {
                    write_fixed(out, std::bit_cast<std::uint32_t>(*f), 4);
                    return;
                }
                expected("float32", s);
            case Kind::Float64:
                if (const auto* d = std::get_if<double>(&s)) {
                    write_fixed(out, std::bit_cast<std::uint64_t>(*d), 8);
                    return;
                }
                expected("float64", s);
            case Kind::Text:
                if (const auto* t = std::get_if<std::string>(&s)) {
                    if (!valid_utf8(view(*t))) protocol("text is not valid UTF-8");
                    write_uleb128(out, t->size());
                    append(out, view(*t));
                    return;
                }
                expected("text", s);
            case Kind::Principal:
                if (const auto* p = std::get_if<Principal>(&s)) {
                    out.push_back(1);  // 0 would be the opaque form, which the IC never uses
                    write_uleb128(out, p->bytes().size());
                    append(out, p->bytes());
                    return;
                }
                expected("principal", s);
            case Kind::Opt:
                if (std::holds_alternative<Value::Null>(s) ||
                    std::holds_alternative<Value::Reserved>(s)) {
                    out.push_back(0);
                    return;
                }
                if (const auto* o = std::get_if<std::vector<Value>>(&s)) {
                    if (o->empty()) {
                        out.push_back(0);
                    } else {
                        out.push_back(1);
                        write_value(*type.inner, o->front(), out);
                    }
                    return;
                }
                expected("opt", s);
            case Kind::Vec:
                if (const auto* b = std::get_if<Bytes>(&s)) {
                    if (type.inner->kind != Kind::Nat8) expected("vec", s);
                    write_uleb128(out, b->size());
                    append(out, *b);
                    return;
                }
                if (const auto* v = std::get_if<std::vector<std::vector<Value>>>(&s)) {
                    const auto& items = v->front();
                    write_uleb128(out, items.size());
                    for (const auto& item : items) write_value(*type.inner, item, out);
                    return;
                }
                expected("vec", s);
            case Kind::Record:
                if (const auto* r = std::get_if<Record>(&s)) {
                    write_record(type, *r, out);
                    return;
                }
                expected("record", s);
            case Kind::Variant:
                if (const auto* v = std::get_if<std::vector<VariantValue>>(&s)) {
                    const VariantValue& chosen = v->front();
                    auto it = std::lower_bound(
                        type.fields.begin(), type.fields.end(), chosen.id,
                        [](const Field& f, std::uint32_t id) { return f.id < id; });
                    if (it == type.fields.end() || it->id != chosen.id) {
                        protocol("the variant type has no case with id " +
                                 std::to_string(chosen.id));
                    }
                    write_uleb128(out, static_cast<std::uint64_t>(it - type.fields.begin()));
                    write_value(*it->type, chosen.value, out);
                    return;
                }
                expected("variant", s);
        }
    }

    void write_record(const Type& type, const Record& record, Bytes& out) {
        // Both lists are sorted by id, so one pass pairs them and finds strays on either side.
        auto value = record.begin();
        for (const auto& field : type.fields) {
            if (value != record.end() && value->first < field.id) {
                protocol("the record type has no field with id " + std::to_string(value->first));
            }
            if (value == record.end() || value->first != field.id) {
                protocol("the record value lacks the field with id " + std::to_string(field.id));
            }
            write_value(*field.type, value->second, out);
            ++value;
        }
        if (value != record.end()) {
            protocol("the record type has no field with id " + std::to_string(value->first));
        }
    }

    Bytes table_;
    std::uint64_t count_ = 0;
    std::map<Bytes, std::int64_t> by_entry_;
    std::map<const Type*, std::int64_t> by_node_;
};

// ---- decoding ---------------------------------------------------------------------------------

// A type-table entry. References are opcodes (negative, primitive) or table indexes.
struct Entry {
    Kind kind = Kind::Opt;
    std::int64_t inner = 0;                                      // Opt, Vec
    std::vector<std::pair<std::uint32_t, std::int64_t>> fields;  // Record, Variant
};

class Decoder {
public:
    Decoder(ByteView in, DecodeLimits limits) : in_(in), limits_(limits) {
        budget_ = limits.max_elements;
    }

    std::vector<Value> decode() {
        if (in_.size() < 4 || in_[0] != 'D' || in_[1] != 'I' || in_[2] != 'D' || in_[3] != 'L') {
            protocol("the message does not start with DIDL");
        }
        pos_ = 4;
        read_table();
        std::uint64_t n_args = read_uleb128(in_, pos_);
        std::vector<std::int64_t> arg_types;
        for (std::uint64_t i = 0; i < n_args; ++i) {
            std::int64_t ref = read_type_ref();
            check_ref(ref);
            arg_types.push_back(ref);
        }
        std::vector<Value> values;
        values.reserve(arg_types.size());
        for (auto ref : arg_types) values.push_back(value(ref, 0));
        if (pos_ != in_.size()) {
            protocol(std::to_string(in_.size() - pos_) + " trailing bytes after the values");
        }
        return values;
    }

private:
    void need(std::size_t n) const {
        if (in_.size() - pos_ < n) protocol("the message is truncated");
    }

    std::uint8_t byte() {
        need(1);
        return in_[pos_++];
    }

    // SLEB128 that must fit 64 bits. Type references are small, so anything wider is garbage.
    std::int64_t read_type_ref() {
        std::uint64_t result = 0;
        for (unsigned shift = 0;; shift += 7) {
            std::uint8_t b = byte();
            if (shift == 63) {
                // Only bit 63 is left; the rest of the group must repeat it (sign extension).
                if (b != 0x00 && b != 0x7f) protocol("a type reference exceeds 64 bits");
                return static_cast<std::int64_t>(result | (std::uint64_t{b & 1u} << 63));
            }
            result |= std::uint64_t{b & 0x7fu} << shift;
            if ((b & 0x80) == 0) {
                if (shift + 7 < 64 && (b & 0x40)) result |= ~std::uint64_t{0} << (shift + 7);
                return static_cast<std::int64_t>(result);
            }
        }
    }

    // A type reference must be a primitive opcode or an index; composite opcodes only head
    // table entries.
    void check_ref(std::int64_t ref) const {
        if (ref >= 0) {
            if (static_cast<std::uint64_t>(ref) >= table_.size()) {
                protocol("type index " + std::to_string(ref) + " is out of range");
            }
        } else if (!primitive_kind(ref)) {
            protocol("invalid type opcode " + std::to_string(ref));
        }
    }

    void read_table() {
        std::uint64_t n = read_uleb128(in_, pos_);
        for (std::uint64_t i = 0; i < n; ++i) {
            Entry entry;
            std::int64_t op = read_type_ref();
            if (op == op_opt || op == op_vec) {
                entry.kind = op == op_opt ? Kind::Opt : Kind::Vec;
                entry.inner = read_type_ref();
            } else if (op == op_record || op == op_variant) {
                entry.kind = op == op_record ? Kind::Record : Kind::Variant;
                std::uint64_t count = read_uleb128(in_, pos_);
                for (std::uint64_t f = 0; f < count; ++f) {
                    std::uint64_t id = read_uleb128(in_, pos_);
                    if (id > std::numeric_limits<std::uint32_t>::max()) {
                        protocol("field id " + std::to_string(id) + " exceeds 32 bits");
                    }
                    if (!entry.fields.empty() && entry.fields.back().first >= id) {
                        protocol("unsorted or duplicate field id " + std::to_string(id));
                    }
                    entry.fields.emplace_back(static_cast<std::uint32_t>(id), read_type_ref());
                }
            } else if (op == op_func || op == op_service) {
                protocol("func and service types are not supported");
            } else {
                protocol("type table entry " + std::to_string(i) + " is not a composite type");
            }
            table_.push_back(std::move(entry));
        }
        // Entries may refer forward (recursive types), so references are checked at the end.
        for (const auto& entry : table_) {
            if (entry.kind == Kind::Opt || entry.kind == Kind::Vec) check_ref(entry.inner);
            for (const auto& field : entry.fields) check_ref(field.second);
        }
    }

    std::uint64_t fixed(unsigned width) {
        need(width);
        std::uint64_t v = 0;
        for (unsigned i = 0; i < width; ++i) v |= std::uint64_t{in_[pos_ + i]} << (8 * i);
        pos_ += width;
        return v;
    }

    std::int64_t fixed_signed(unsigned width) {
        unsigned unused = 64 - 8 * width;
        return static_cast<std::int64_t>(fixed(width) << unused) >> unused;
    }

    // nat and int values have no size limit (cycles exceed 64 bits), so the LEB128 groups are
    // repacked into bytes. Returns whether a signed number is negative.
    bool read_leb_bits(Bytes& out, bool is_signed) {
        std::uint32_t acc = 0;
        unsigned bits = 0;
        std::uint8_t b = 0;
        do {
            b = byte();
            acc |= std::uint32_t{b & 0x7fu} << bits;
            bits += 7;
            while (bits >= 8) {
                out.push_back(static_cast<std::uint8_t>(acc));
                acc >>= 8;
                bits -= 8;
            }
        } while (b & 0x80);
        bool negative = is_signed && (b & 0x40) != 0;
        if (bits > 0) {
            if (negative) acc |= 0xffu << bits;  // sign-extend the partial top byte
            out.push_back(static_cast<std::uint8_t>(acc));
        }
        return negative;
    }

    BigInt read_nat() {
        BigInt v;
        read_leb_bits(v.magnitude, false);
        return normalized(std::move(v));
    }

    BigInt read_int() {
        BigInt v;
        if (read_leb_bits(v.magnitude, true)) {
            negate(v.magnitude);
            v.negative = true;
        }
        return normalized(std::move(v));
    }

    std::size_t read_length() {
        std::uint64_t n = read_uleb128(in_, pos_);
        if (n > in_.size() - pos_) protocol("a length runs past the end of the message");
        return static_cast<std::size_t>(n);
    }

    Value primitive(Kind kind) {
        switch (kind) {
            case Kind::Null:
                return Value::null();
            case Kind::Reserved:
                return Value::reserved();
            case Kind::Empty:
                protocol("a value of type empty cannot exist");
            case Kind::Bool: {
                std::uint8_t b = byte();
                if (b > 1) protocol("bool byte " + std::to_string(b) + " is neither 0 nor 1");
                return Value::boolean(b == 1);
            }
            case Kind::Nat:
                return Value::nat(read_nat());
            case Kind::Int:
                return Value::int_(read_int());
            case Kind::Nat8:
            case Kind::Nat16:
            case Kind::Nat32:
            case Kind::Nat64:
                return Value::fixed_nat(fixed(fixed_width(kind)));
            case Kind::Int8:
            case Kind::Int16:
            case Kind::Int32:
            case Kind::Int64:
                return Value::fixed_int(fixed_signed(fixed_width(kind)));
            case Kind::Float32:
                return Value::float32(std::bit_cast<float>(static_cast<std::uint32_t>(fixed(4))));
            case Kind::Float64:
                return Value::float64(std::bit_cast<double>(fixed(8)));
            case Kind::Text: {
                std::size_t n = read_length();
                ByteView text = in_.subspan(pos_, n);
                if (!valid_utf8(text)) protocol("text is not valid UTF-8");
                pos_ += n;
                return Value::text(std::string(text.begin(), text.end()));
            }
            case Kind::Principal: {
                std::uint8_t tag = byte();
                if (tag == 0) protocol("opaque principal references are not supported");
                if (tag != 1) protocol("invalid principal tag " + std::to_string(tag));
                std::size_t n = read_length();
                if (n > Principal::max_length) {
                    protocol("a principal of " + std::to_string(n) + " bytes exceeds 29");
                }
                Bytes id(in_.begin() + static_cast<std::ptrdiff_t>(pos_),
                         in_.begin() + static_cast<std::ptrdiff_t>(pos_ + n));
                pos_ += n;
                return Value::principal(Principal(std::move(id)));
            }
            default:
                protocol("invalid primitive type");
        }
    }

    // Every value costs one unit of the budget, so zero-sized values (null, empty records,
    // recursive types that consume no bytes) cannot make the work exceed max_elements.
    void spend(std::uint64_t n) {
        if (n > budget_) protocol("the message holds more values than the decoder allows");
        budget_ -= static_cast<std::size_t>(n);
    }

    Value value(std::int64_t ref, std::size_t depth) {
        spend(1);
        if (ref < 0) return primitive(*primitive_kind(ref));
        if (depth >= limits_.max_depth) protocol("values are nested too deeply");
        const Entry& entry = table_[static_cast<std::size_t>(ref)];
        switch (entry.kind) {
            case Kind::Opt: {
                std::uint8_t tag = byte();
                if (tag == 0) return Value::none();
                if (tag != 1) protocol("opt tag " + std::to_string(tag) + " is neither 0 nor 1");
                return Value::some(value(entry.inner, depth + 1));
            }
            case Kind::Vec: {
                if (entry.inner == op_nat8) {
                    std::size_t n = read_length();
                    Bytes blob(in_.begin() + static_cast<std::ptrdiff_t>(pos_),
                               in_.begin() + static_cast<std::ptrdiff_t>(pos_ + n));
                    pos_ += n;
                    return Value::blob(std::move(blob));
                }
                std::uint64_t n = read_uleb128(in_, pos_);
                // Checked up front so a huge count of zero-sized items fails at once.
                if (n > budget_) protocol("a vector holds more values than the decoder allows");
                std::vector<Value> items;
                items.reserve(
                    std::min<std::size_t>(static_cast<std::size_t>(n), in_.size() - pos_ + 1));
                for (std::uint64_t i = 0; i < n; ++i)
                    items.push_back(value(entry.inner, depth + 1));
                return Value::vec(std::move(items));
            }
            case Kind::Record: {
                Record fields;
                fields.reserve(entry.fields.size());
                for (const auto& [id, type] : entry.fields) {
                    fields.emplace_back(id, value(type, depth + 1));
                }
                return Value::from_record(std::move(fields));
            }
            case Kind::Variant: {
                std::uint64_t index = read_uleb128(in_, pos_);
                if (index >= entry.fields.size()) {
                    protocol("variant index " + std::to_string(index) + " is out of range");
                }
                const auto& [id, type] = entry.fields[static_cast<std::size_t>(index)];
                return Value::from_variant(id, value(type, depth + 1));
            }
            default:
                protocol("invalid type table entry");
        }
    }

    ByteView in_;
    std::size_t pos_ = 0;
    DecodeLimits limits_;
    std::size_t budget_ = 0;
    std::vector<Entry> table_;
};

TypePtr make(Kind kind) { return std::make_shared<const Type>(Type{kind, nullptr, {}}); }

TypePtr make_fields(Kind kind, std::vector<std::pair<std::string, TypePtr>> named) {
    std::vector<Field> fields;
    fields.reserve(named.size());
    for (auto& [name, type] : named) {
        if (!type) protocol("field '" + name + "' has no type");
        fields.push_back(Field{field_id(name), std::move(type)});
    }
    std::sort(fields.begin(), fields.end(),
              [](const Field& a, const Field& b) { return a.id < b.id; });
    Type type{kind, nullptr, std::move(fields)};
    check_fields(type);  // two names with one hash would make the type ambiguous
    return std::make_shared<const Type>(std::move(type));
}

}  // namespace

std::uint32_t field_id(std::string_view name) {
    std::uint32_t h = 0;
    for (char c : name) h = h * 223 + static_cast<std::uint8_t>(c);
    return h;
}

// ---- type builders ----------------------------------------------------------------------------

namespace t {
TypePtr null() { return make(Kind::Null); }
TypePtr bool_() { return make(Kind::Bool); }
TypePtr nat() { return make(Kind::Nat); }
TypePtr int_() { return make(Kind::Int); }
TypePtr nat8() { return make(Kind::Nat8); }
TypePtr nat16() { return make(Kind::Nat16); }
TypePtr nat32() { return make(Kind::Nat32); }
TypePtr nat64() { return make(Kind::Nat64); }
TypePtr int8() { return make(Kind::Int8); }
TypePtr int16() { return make(Kind::Int16); }
TypePtr int32() { return make(Kind::Int32); }
TypePtr int64() { return make(Kind::Int64); }
TypePtr float32() { return make(Kind::Float32); }
TypePtr float64() { return make(Kind::Float64); }
TypePtr text() { return make(Kind::Text); }
TypePtr reserved() { return make(Kind::Reserved); }
TypePtr empty() { return make(Kind::Empty); }
TypePtr principal() { return make(Kind::Principal); }
TypePtr blob() { return vec(nat8()); }
TypePtr opt(TypePtr inner) {
    if (!inner) protocol("opt needs an inner type");
    return std::make_shared<const Type>(Type{Kind::Opt, std::move(inner), {}});
}
TypePtr vec(TypePtr inner) {
    if (!inner) protocol("vec needs an inner type");
    return std::make_shared<const Type>(Type{Kind::Vec, std::move(inner), {}});
}
TypePtr record(std::vector<std::pair<std::string, TypePtr>> fields) {
    return make_fields(Kind::Record, std::move(fields));
}
TypePtr variant(std::vector<std::pair<std::string, TypePtr>> fields) {
    return make_fields(Kind::Variant, std::move(fields));
}
}  // namespace t

// ---- BigInt -----------------------------------------------------------------------------------

BigInt BigInt::from_u64(std::uint64_t v) {
    BigInt out;
    for (; v != 0; v >>= 8) out.magnitude.push_back(static_cast<std::uint8_t>(v));
    return out;
}

BigInt BigInt::from_i64(std::int64_t v) {
    // Negating in unsigned arithmetic keeps INT64_MIN defined.
    std::uint64_t magnitude =
        v < 0 ? 0 - static_cast<std::uint64_t>(v) : static_cast<std::uint64_t>(v);
    BigInt out = from_u64(magnitude);
    out.negative = v < 0;
    return out;
}

std::uint64_t BigInt::to_u64() const {
    std::size_t n = significant_size(magnitude);
    if (negative && n > 0) protocol("expected a non-negative number, got " + to_string());
    if (n > 8) protocol(to_string() + " does not fit 64 bits");
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < n; ++i) v |= std::uint64_t{magnitude[i]} << (8 * i);
    return v;
}

std::string BigInt::to_string() const {
    // Repeated division by 10^9 of the big-endian digits; the sizes here are a few bytes.
    Bytes digits(magnitude.rbegin(), magnitude.rend());
    std::string out;
    while (true) {
        std::uint64_t rem = 0;
        bool nonzero = false;
        for (auto& d : digits) {
            std::uint64_t cur = (rem << 8) | d;
            d = static_cast<std::uint8_t>(cur / 1'000'000'000);
            rem = cur % 1'000'000'000;
            nonzero = nonzero || d != 0;
        }
        std::string chunk = std::to_string(rem);
        if (nonzero) chunk.insert(0, 9 - chunk.size(), '0');
        out.insert(0, chunk);
        if (!nonzero) break;
    }
    if (negative && out != "0") out.insert(0, "-");
    return out;
}

// ---- Value ------------------------------------------------------------------------------------

Value Value::reserved() {
    Value v;
    v.storage_ = Reserved{};
    return v;
}
Value Value::boolean(bool b) {
    Value v;
    v.storage_ = b;
    return v;
}
Value Value::nat(std::uint64_t n) { return nat(BigInt::from_u64(n)); }
Value Value::nat(BigInt n) {
    n = normalized(std::move(n));
    if (n.negative) protocol("a nat cannot be negative");
    Value v;
    v.storage_ = std::move(n);
    return v;
}
Value Value::int_(std::int64_t i) { return int_(BigInt::from_i64(i)); }
Value Value::int_(BigInt i) {
    Value v;
    v.storage_ = normalized(std::move(i));
    return v;
}
Value Value::fixed_nat(std::uint64_t n) {
    Value v;
    v.storage_ = n;
    return v;
}
Value Value::fixed_int(std::int64_t i) {
    Value v;
    v.storage_ = i;
    return v;
}
Value Value::float32(float f) {
    Value v;
    v.storage_ = f;
    return v;
}
Value Value::float64(double d) {
    Value v;
    v.storage_ = d;
    return v;
}
Value Value::text(std::string s) {
    Value v;
    v.storage_ = std::move(s);
    return v;
}
Value Value::principal(Principal p) {
    Value v;
    v.storage_ = std::move(p);
    return v;
}
Value Value::blob(Bytes b) {
    Value v;
    v.storage_ = std::move(b);
    return v;
}
Value Value::some(Value inner) {
    Value v;
    std::vector<Value> item;
    item.push_back(std::move(inner));
    v.storage_ = std::move(item);
    return v;
}
Value Value::none() {
    Value v;
    v.storage_ = std::vector<Value>{};
    return v;
}
Value Value::vec(std::vector<Value> items) {
    Value v;
    std::vector<std::vector<Value>> holder;
    holder.push_back(std::move(items));
    v.storage_ = std::move(holder);
    return v;
}
Value Value::record(std::vector<std::pair<std::string, Value>> fields) {
    Record record;
    record.reserve(fields.size());
    for (auto& [name, value] : fields) record.emplace_back(field_id(name), std::move(value));
    std::sort(record.begin(), record.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    return from_record(std::move(record));
}
Value Value::from_record(Record fields) {
    // Lookups binary-search the fields, and the encoder pairs them with the type's in one pass.
    for (std::size_t i = 1; i < fields.size(); ++i) {
        if (fields[i - 1].first >= fields[i].first) {
            protocol("record fields are unsorted or share the id " +
                     std::to_string(fields[i].first));
        }
    }
    Value v;
    v.storage_ = std::move(fields);
    return v;
}
Value Value::variant(std::string_view name) { return variant(name, null()); }
Value Value::variant(std::string_view name, Value value) {
    return from_variant(field_id(name), std::move(value));
}
Value Value::from_variant(std::uint32_t id, Value value) {
    Value v;
    std::vector<VariantValue> chosen;
    chosen.push_back(VariantValue{id, std::move(value)});
    v.storage_ = std::move(chosen);
    return v;
}

bool Value::is_null() const { return std::holds_alternative<Null>(storage_); }

bool Value::as_bool() const {
    if (const auto* b = std::get_if<bool>(&storage_)) return *b;
    expected("a bool", storage_);
}

std::uint64_t Value::as_u64() const {
    if (const auto* u = std::get_if<std::uint64_t>(&storage_)) return *u;
    if (const auto* b = std::get_if<BigInt>(&storage_)) return b->to_u64();
    if (const auto* i = std::get_if<std::int64_t>(&storage_)) {
        if (*i < 0) protocol("expected a non-negative number, got " + std::to_string(*i));
        return static_cast<std::uint64_t>(*i);
    }
    expected("a nat", storage_);
}

std::int64_t Value::as_i64() const {
    if (const auto* i = std::get_if<std::int64_t>(&storage_)) return *i;
    if (const auto* u = std::get_if<std::uint64_t>(&storage_)) {
        if (*u > std::uint64_t{std::numeric_limits<std::int64_t>::max()}) {
            protocol(std::to_string(*u) + " does not fit int64");
        }
        return static_cast<std::int64_t>(*u);
    }
    if (const auto* b = std::get_if<BigInt>(&storage_)) {
        std::size_t n = significant_size(b->magnitude);
        if (n > 8) protocol(b->to_string() + " does not fit int64");
        std::uint64_t m = 0;
        for (std::size_t k = 0; k < n; ++k) m |= std::uint64_t{b->magnitude[k]} << (8 * k);
        const std::uint64_t max = std::numeric_limits<std::int64_t>::max();
        if (b->negative && m <= max + 1) return static_cast<std::int64_t>(0 - m);
        if (!b->negative && m <= max) return static_cast<std::int64_t>(m);
        protocol(b->to_string() + " does not fit int64");
    }
    expected("an int", storage_);
}

const BigInt& Value::as_bigint() const {
    if (const auto* b = std::get_if<BigInt>(&storage_)) return *b;
    expected("a nat or int", storage_);
}

const std::string& Value::as_text() const {
    if (const auto* s = std::get_if<std::string>(&storage_)) return *s;
    expected("text", storage_);
}

const Principal& Value::as_principal() const {
    if (const auto* p = std::get_if<Principal>(&storage_)) return *p;
    expected("a principal", storage_);
}

const Bytes& Value::as_blob() const {
    if (const auto* b = std::get_if<Bytes>(&storage_)) return *b;
    expected("a blob", storage_);
}

std::vector<Value> Value::as_vec() const {
    if (const auto* v = std::get_if<std::vector<std::vector<Value>>>(&storage_)) return v->front();
    if (const auto* b = std::get_if<Bytes>(&storage_)) {
        std::vector<Value> items;
        items.reserve(b->size());
        for (auto byte : *b) items.push_back(fixed_nat(byte));
        return items;
    }
    expected("a vec", storage_);
}

std::size_t Value::vec_size() const {
    if (const auto* v = std::get_if<std::vector<std::vector<Value>>>(&storage_)) {
        return v->front().size();
    }
    if (const auto* b = std::get_if<Bytes>(&storage_)) return b->size();
    expected("a vec", storage_);
}

const Value* Value::as_opt() const {
    if (const auto* o = std::get_if<std::vector<Value>>(&storage_)) {
        return o->empty() ? nullptr : &o->front();
    }
    if (is_null() || std::holds_alternative<Reserved>(storage_)) return nullptr;
    // Candid lets a plain value stand where an opt of its type is expected.
    return this;
}

const Value* Value::find(std::string_view name) const {
    const auto* r = std::get_if<Record>(&storage_);
    if (!r) expected("a record", storage_);
    std::uint32_t id = field_id(name);
    auto it = std::lower_bound(r->begin(), r->end(), id, [](const auto& field, std::uint32_t key) {
        return field.first < key;
    });
    return it != r->end() && it->first == id ? &it->second : nullptr;
}

const Value& Value::at(std::string_view name) const {
    if (const Value* v = find(name)) return *v;
    protocol("the record has no field '" + std::string(name) + "'");
}

const Value* Value::opt_field(std::string_view name) const {
    const Value* v = find(name);
    return v ? v->as_opt() : nullptr;
}

std::uint32_t Value::variant_id() const {
    if (const auto* v = std::get_if<std::vector<VariantValue>>(&storage_)) return v->front().id;
    expected("a variant", storage_);
}

const Value& Value::variant_value() const {
    if (const auto* v = std::get_if<std::vector<VariantValue>>(&storage_)) {
        return v->front().value;
    }
    expected("a variant", storage_);
}

bool Value::is_variant(std::string_view name) const { return variant_id() == field_id(name); }

bool Value::operator==(const Value& other) const { return storage_ == other.storage_; }

// ---- entry points -----------------------------------------------------------------------------

Bytes encode(const std::vector<Arg>& args) { return Encoder().encode(args); }

std::vector<Value> decode(ByteView bytes, DecodeLimits limits) {
    return Decoder(bytes, limits).decode();
}

}  // namespace ic::candid
