#include "ic/cbor.hpp"

#include <cbor.h>

#include <optional>

#include "ic/error.hpp"

namespace ic::cbor {

Value Value::tagged(std::uint64_t tag, Value inner) {
    Value v;
    v.storage_ = std::vector<Tagged>{Tagged{tag, std::move(inner)}};
    return v;
}

bool Value::operator==(const Value& other) const { return storage_ == other.storage_; }

namespace {

[[noreturn]] void type_error(std::string_view what, const char* expected) {
    fail(ErrorKind::Protocol, "CBOR " + std::string(what) + " is not " + expected);
}

}  // namespace

std::uint64_t Value::as_uint(std::string_view what) const {
    if (auto* v = std::get_if<std::uint64_t>(&storage_)) return *v;
    type_error(what, "an unsigned integer");
}
const Bytes& Value::as_bytes(std::string_view what) const {
    if (auto* v = std::get_if<Bytes>(&storage_)) return *v;
    type_error(what, "a byte string");
}
const std::string& Value::as_text(std::string_view what) const {
    if (auto* v = std::get_if<std::string>(&storage_)) return *v;
    type_error(what, "a text string");
}
const Array& Value::as_array(std::string_view what) const {
    if (auto* v = std::get_if<Array>(&storage_)) return *v;
    type_error(what, "an array");
}
const Map& Value::as_map(std::string_view what) const {
    if (auto* v = std::get_if<Map>(&storage_)) return *v;
    type_error(what, "a map");
}
std::uint64_t Value::tag() const {
    if (auto* v = std::get_if<std::vector<Tagged>>(&storage_)) return v->front().tag;
    type_error("value", "tagged");
}
const Value& Value::tagged_value() const {
    if (auto* v = std::get_if<std::vector<Tagged>>(&storage_)) return v->front().value;
    type_error("value", "tagged");
}

const Value* Value::find(std::string_view key) const {
    auto* map = std::get_if<Map>(&storage_);
    if (!map) return nullptr;
    for (const auto& [k, v] : *map) {
        if (k == key) return &v;
    }
    return nullptr;
}

const Value& Value::at(std::string_view key) const {
    const Map& map = as_map(key);
    for (const auto& [k, v] : map) {
        if (k == key) return v;
    }
    fail(ErrorKind::Protocol, "CBOR map has no field '" + std::string(key) + "'");
}

// ---- decoding -------------------------------------------------------------------------------

namespace {

// Builds values from libcbor's streaming callbacks with an explicit stack, so that hostile
// input can neither recurse deeply nor make us reserve memory for lengths it only claims.
class Builder {
public:
    Builder(std::size_t input_size, DecodeLimits limits)
        : input_size_(input_size), limits_(limits) {}

    enum class Kind { Array, Map, Tag, Bytes, Text };
    struct Frame {
        Kind kind;
        std::optional<std::uint64_t> remaining;  // items (maps: keys + values); nullopt: indefinite
        Array items;
        Map entries;
        std::optional<std::string> pending_key;
        std::uint64_t tag = 0;
        Bytes chunks;
        std::string text_chunks;
    };

    void error(std::string message) {
        if (!error_) error_ = std::move(message);
    }
    bool failed() const { return error_.has_value(); }
    const std::string& message() const { return *error_; }
    bool done() const { return result_.has_value() && stack_.empty(); }
    Value take() { return std::move(*result_); }

    void item(Value v) {
        if (failed()) return;
        if (result_) return error("trailing data after the top-level item");
        while (true) {
            if (stack_.empty()) {
                result_ = std::move(v);
                return;
            }
            Frame& top = stack_.back();
            switch (top.kind) {
                case Kind::Bytes:
                case Kind::Text:
                    return error("an indefinite-length string holds a chunk of another type");
                case Kind::Array:
                    top.items.push_back(std::move(v));
                    break;
                case Kind::Tag:
                    top.items.push_back(std::move(v));
                    break;
                case Kind::Map:
                    if (!top.pending_key) {
                        if (!v.is_text()) return error("a map key is not a text string");
                        top.pending_key = v.as_text();
                    } else {
                        top.entries.emplace_back(std::move(*top.pending_key), std::move(v));
                        top.pending_key.reset();
                    }
                    break;
            }
            if (top.remaining) {
                --*top.remaining;
                if (*top.remaining > 0) return;
                v = close(std::move(top));
                stack_.pop_back();
                continue;
            }
            return;
        }
    }

    void open(Kind kind, std::optional<std::uint64_t> count, std::uint64_t tag = 0) {
        if (failed()) return;
        if (result_) return error("trailing data after the top-level item");
        if (stack_.size() >= limits_.max_depth) return error("nesting is deeper than allowed");
        // Every item takes at least one byte, so a count above the input size is a lie.
        if (count && *count > input_size_) return error("a length exceeds the input size");
        if (count && *count == 0) {
            Frame empty{kind, count, {}, {}, {}, tag, {}, {}};
            return item(close(std::move(empty)));
        }
        stack_.push_back(Frame{kind, count, {}, {}, {}, tag, {}, {}});
    }

    void chunk_bytes(ByteView data) {
        if (failed()) return;
        if (!stack_.empty() && stack_.back().kind == Kind::Bytes) {
            append(stack_.back().chunks, data);
            return;
        }
        if (!stack_.empty() && stack_.back().kind == Kind::Text) {
            return error("an indefinite-length text holds a byte-string chunk");
        }
        item(Bytes(data.begin(), data.end()));
    }

    void chunk_text(std::string_view data) {
        if (failed()) return;
        if (!stack_.empty() && stack_.back().kind == Kind::Text) {
            stack_.back().text_chunks.append(data);
            return;
        }
        if (!stack_.empty() && stack_.back().kind == Kind::Bytes) {
            return error("an indefinite-length byte string holds a text chunk");
        }
        item(std::string(data));
    }

    void brk() {
        if (failed()) return;
        if (stack_.empty() || stack_.back().remaining) return error("unexpected break");
        Frame top = std::move(stack_.back());
        stack_.pop_back();
        if (top.kind == Kind::Map && top.pending_key) return error("a map ends after a key");
        item(close(std::move(top)));
    }

private:
    Value close(Frame&& frame) {
        switch (frame.kind) {
            case Kind::Array:
                return Value(std::move(frame.items));
            case Kind::Map:
                return Value(std::move(frame.entries));
            case Kind::Tag:
                return Value::tagged(frame.tag, std::move(frame.items.front()));
            case Kind::Bytes:
                return Value(std::move(frame.chunks));
            case Kind::Text:
                return Value(std::move(frame.text_chunks));
        }
        return Value();
    }

    std::size_t input_size_;
    DecodeLimits limits_;
    std::vector<Frame> stack_;
    std::optional<Value> result_;
    std::optional<std::string> error_;
};

Builder& ctx(void* p) { return *static_cast<Builder*>(p); }

template <typename T>
void on_uint(void* p, T v) {
    ctx(p).item(Value(static_cast<std::uint64_t>(v)));
}
template <typename T>
void on_negint(void* p, T v) {
    ctx(p).item(Value(Negative{static_cast<std::uint64_t>(v)}));
}
void on_bytes(void* p, cbor_data data, size_t size) { ctx(p).chunk_bytes(ByteView(data, size)); }
void on_text(void* p, cbor_data data, size_t size) {
    ctx(p).chunk_text(std::string_view(reinterpret_cast<const char*>(data), size));
}
void on_bytes_start(void* p) { ctx(p).open(Builder::Kind::Bytes, std::nullopt); }
void on_text_start(void* p) { ctx(p).open(Builder::Kind::Text, std::nullopt); }
void on_array(void* p, size_t n) { ctx(p).open(Builder::Kind::Array, n); }
void on_indef_array(void* p) { ctx(p).open(Builder::Kind::Array, std::nullopt); }
void on_map(void* p, size_t n) {
    // A map of n entries holds 2n items; n itself is bounded by the input size.
    if (n > SIZE_MAX / 2) return ctx(p).error("a map length is too large");
    ctx(p).open(Builder::Kind::Map, static_cast<std::uint64_t>(n) * 2);
}
void on_indef_map(void* p) { ctx(p).open(Builder::Kind::Map, std::nullopt); }
void on_tag(void* p, uint64_t tag) { ctx(p).open(Builder::Kind::Tag, 1, tag); }
void on_float(void* p, float) { ctx(p).error("floating-point values are not used by the IC"); }
void on_double(void* p, double) { ctx(p).error("floating-point values are not used by the IC"); }
void on_undefined(void* p) { ctx(p).error("'undefined' is not used by the IC"); }
void on_null(void* p) { ctx(p).item(Value()); }
void on_bool(void* p, bool v) { ctx(p).item(Value(v)); }
void on_break(void* p) { ctx(p).brk(); }

const cbor_callbacks callbacks = {
    .uint8 = on_uint<uint8_t>,
    .uint16 = on_uint<uint16_t>,
    .uint32 = on_uint<uint32_t>,
    .uint64 = on_uint<uint64_t>,
    .negint64 = on_negint<uint64_t>,
    .negint32 = on_negint<uint32_t>,
    .negint16 = on_negint<uint16_t>,
    .negint8 = on_negint<uint8_t>,
    .byte_string_start = on_bytes_start,
    .byte_string = on_bytes,
    .string = on_text,
    .string_start = on_text_start,
    .indef_array_start = on_indef_array,
    .array_start = on_array,
    .indef_map_start = on_indef_map,
    .map_start = on_map,
    .tag = on_tag,
    .float2 = on_float,
    .float4 = on_float,
    .float8 = on_double,
    .undefined = on_undefined,
    .null = on_null,
    .boolean = on_bool,
    .indef_break = on_break,
};

}  // namespace

Value decode(ByteView bytes, DecodeLimits limits) {
    Builder builder(bytes.size(), limits);
    std::size_t pos = 0;
    while (pos < bytes.size() && !builder.failed()) {
        // libcbor 0.8 refuses the one-byte heads of tags 6..20 (0xc6..0xd4) as "unassigned",
        // although RFC 8949 allows them and it accepts the same tags with longer heads; our own
        // encoder writes them. Decoding them here keeps both forms, and the round trip, equal.
        if (bytes[pos] >= 0xc6 && bytes[pos] <= 0xd4) {
            on_tag(&builder, bytes[pos] - 0xc0u);
            ++pos;
            continue;
        }
        cbor_decoder_result r =
            cbor_stream_decode(bytes.data() + pos, bytes.size() - pos, &callbacks, &builder);
        if (r.status == CBOR_DECODER_NEDATA) {
            fail(ErrorKind::Protocol, "malformed CBOR: the input ends in the middle of an item");
        }
        if (r.status != CBOR_DECODER_FINISHED || r.read == 0) {
            fail(ErrorKind::Protocol, "malformed CBOR at byte " + std::to_string(pos));
        }
        pos += r.read;
    }
    if (builder.failed()) fail(ErrorKind::Protocol, "malformed CBOR: " + builder.message());
    if (!builder.done()) {
        fail(ErrorKind::Protocol, "malformed CBOR: the input ends in the middle of an item");
    }
    Value value = builder.take();
    if (value.is_tagged() && value.tag() == self_describe_tag) {
        Value inner = value.tagged_value();
        return inner;
    }
    return value;
}

// ---- encoding -------------------------------------------------------------------------------

namespace {

using HeaderEncoder = size_t (*)(size_t, unsigned char*, size_t);

void header(Bytes& out, size_t (*encoder)(uint64_t, unsigned char*, size_t), std::uint64_t v) {
    unsigned char buf[9];
    size_t n = encoder(v, buf, sizeof buf);
    out.insert(out.end(), buf, buf + n);
}

void length_header(Bytes& out, HeaderEncoder encoder, std::size_t length) {
    unsigned char buf[9];
    size_t n = encoder(length, buf, sizeof buf);
    out.insert(out.end(), buf, buf + n);
}

void encode_into(Bytes& out, const Value& value) {
    struct Visitor {
        Bytes& out;
        void operator()(const Null&) {
            unsigned char buf[1];
            out.insert(out.end(), buf, buf + cbor_encode_null(buf, 1));
        }
        void operator()(bool v) {
            unsigned char buf[1];
            out.insert(out.end(), buf, buf + cbor_encode_bool(v, buf, 1));
        }
        void operator()(std::uint64_t v) { header(out, cbor_encode_uint, v); }
        void operator()(const Negative& v) { header(out, cbor_encode_negint, v.n); }
        void operator()(const Bytes& v) {
            length_header(out, cbor_encode_bytestring_start, v.size());
            append(out, v);
        }
        void operator()(const std::string& v) {
            length_header(out, cbor_encode_string_start, v.size());
            append(out, view(v));
        }
        void operator()(const Array& v) {
            length_header(out, cbor_encode_array_start, v.size());
            for (const auto& item : v) encode_into(out, item);
        }
        void operator()(const Map& v) {
            length_header(out, cbor_encode_map_start, v.size());
            for (const auto& [key, item] : v) {
                (*this)(key);
                encode_into(out, item);
            }
        }
        void operator()(const std::vector<Tagged>& v) {
            header(out, cbor_encode_tag, v.front().tag);
            encode_into(out, v.front().value);
        }
    };
    std::visit(Visitor{out}, value.storage());
}

}  // namespace

Bytes encode(const Value& value, bool self_describe) {
    Bytes out;
    if (self_describe) header(out, cbor_encode_tag, self_describe_tag);
    encode_into(out, value);
    return out;
}

}  // namespace ic::cbor
