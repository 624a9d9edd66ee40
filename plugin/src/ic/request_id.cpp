#include "ic/request_id.hpp"

#include <algorithm>
#include <array>

#include "ic/error.hpp"
#include "ic/leb128.hpp"

namespace ic {

namespace {

struct Visitor {
    Hash operator()(const Bytes& v) const { return sha256(v); }
    Hash operator()(const std::string& v) const { return sha256(view(v)); }
    Hash operator()(std::uint64_t v) const {
        Bytes leb;
        write_uleb128(leb, v);
        return sha256(leb);
    }
    Hash operator()(const cbor::Array& v) const {
        Sha256 h;
        for (const auto& item : v) h.update(hash_of_value(item));
        return h.finish();
    }
    Hash operator()(const cbor::Map& v) const { return hash_of_map(v); }
    Hash operator()(const cbor::Negative& v) const {
        // -1 - n as signed LEB128; only reachable for n < 2^63.
        if (v.n > static_cast<std::uint64_t>(INT64_MAX)) {
            fail(ErrorKind::Protocol, "integer out of range for a request id");
        }
        Bytes leb;
        write_sleb128(leb, -1 - static_cast<std::int64_t>(v.n));
        return sha256(leb);
    }
    Hash operator()(const auto&) const {
        fail(ErrorKind::Protocol, "a request field has a type that request ids cannot hash");
    }
};

}  // namespace

Hash hash_of_value(const cbor::Value& value) { return std::visit(Visitor{}, value.storage()); }

Hash hash_of_map(const cbor::Map& map) {
    std::vector<std::array<std::uint8_t, 64>> pairs;
    pairs.reserve(map.size());
    for (const auto& [key, value] : map) {
        std::array<std::uint8_t, 64> pair{};
        Hash k = sha256(view(key));
        Hash v = hash_of_value(value);
        std::copy(k.begin(), k.end(), pair.begin());
        std::copy(v.begin(), v.end(), pair.begin() + 32);
        pairs.push_back(pair);
    }
    std::sort(pairs.begin(), pairs.end());
    Sha256 h;
    for (const auto& pair : pairs) h.update(pair);
    return h.finish();
}

Bytes signable_request(const Hash& request_id) {
    Bytes out{0x0a};
    append(out, view("ic-request"));
    append(out, request_id);
    return out;
}

}  // namespace ic
