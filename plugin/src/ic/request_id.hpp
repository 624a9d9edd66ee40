// The representation-independent hash that names every request (interface spec, "Request ids").
#pragma once

#include "ic/cbor.hpp"
#include "ic/sha256.hpp"

namespace ic {

// Hash of one value: blobs and text by their bytes, nats by their LEB128, arrays by the
// concatenation of their elements' hashes, maps by hash_of_map.
Hash hash_of_value(const cbor::Value& value);

// SHA-256 over the sorted (key hash || value hash) pairs of the map's fields.
Hash hash_of_map(const cbor::Map& map);

// The request id of a call, query or read_state content map.
inline Hash request_id(const cbor::Map& content) { return hash_of_map(content); }

// What a sender signs: "\x0Aic-request" || request_id.
Bytes signable_request(const Hash& request_id);

}  // namespace ic
