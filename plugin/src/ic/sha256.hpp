// SHA-256 (OpenSSL), the hash behind request ids, hash trees, module hashes and principals.
#pragma once

#include <array>
#include <memory>

#include "ic/bytes.hpp"

struct evp_md_ctx_st;  // OpenSSL's EVP_MD_CTX

namespace ic {

using Hash = std::array<std::uint8_t, 32>;

Hash sha256(ByteView data);
inline Bytes to_bytes(const Hash& h) { return Bytes(h.begin(), h.end()); }

// Incremental hashing for inputs assembled piece by piece (hash-tree domain separators).
class Sha256 {
public:
    Sha256();
    Sha256& update(ByteView data);
    Hash finish();

private:
    struct Free {
        void operator()(evp_md_ctx_st* ctx) const;
    };
    std::unique_ptr<evp_md_ctx_st, Free> ctx_;
};

}  // namespace ic
