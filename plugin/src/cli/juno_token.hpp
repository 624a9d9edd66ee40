// Juno's CI token: JUNO_TOKEN, as Juno's CLI reads it (src/utils/process.utils.ts): base64 of the
// JSON {"token": [<public key DER hex>, <secret key hex>]}, the second part being what
// @icp-sdk/core's Ed25519KeyIdentity.toJSON() writes (a 32-byte seed, or 64 bytes: seed and
// public key).
#pragma once

#include <string_view>

#include "ic/identity.hpp"

namespace cli {

// The Ed25519 identity the token holds. Anything else throws ic::Error (Usage) saying what is
// wrong with it, never quoting it: the token is the key.
ic::Identity identity_from_juno_token(std::string_view token);

}  // namespace cli
