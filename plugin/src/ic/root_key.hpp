// The BLS key that certificates chain up to: built in for mainnet, read from a local replica.
#pragma once

#include <string_view>

#include "ic/bytes.hpp"

namespace ic {

class Transport;

// The IC mainnet root key, DER-encoded (133 bytes).
const Bytes& mainnet_root_key();

// 133-byte DER from the 96-byte raw G2 key; and back, after checking the exact 37-byte prefix.
Bytes bls_key_to_der(ByteView raw96);
Bytes bls_key_from_der(ByteView der);  // throws ic::Error (Verification) on any other form

// Reads root_key from GET /api/v2/status. Throws ic::Error (Protocol) when absent or malformed.
Bytes fetch_root_key(Transport& transport);

// `spec` is "ic", or the key as hex (DER or raw 96 bytes). "fetch" is handled by the agent.
Bytes parse_root_key(std::string_view spec);

}  // namespace ic
