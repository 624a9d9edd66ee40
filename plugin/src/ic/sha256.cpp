#include "ic/sha256.hpp"

#include <openssl/evp.h>

#include "ic/error.hpp"

namespace ic {

void Sha256::Free::operator()(evp_md_ctx_st* ctx) const { EVP_MD_CTX_free(ctx); }

Sha256::Sha256() : ctx_(EVP_MD_CTX_new()) {
    if (!ctx_ || EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr) != 1) {
        fail(ErrorKind::Protocol, "OpenSSL could not initialise SHA-256");
    }
}

Sha256& Sha256::update(ByteView data) {
    EVP_DigestUpdate(ctx_.get(), data.data(), data.size());
    return *this;
}

Hash Sha256::finish() {
    Hash out{};
    unsigned int len = 0;
    EVP_DigestFinal_ex(ctx_.get(), out.data(), &len);
    return out;
}

Hash sha256(ByteView data) {
    Hash out{};
    unsigned int len = 0;
    EVP_Digest(data.data(), data.size(), out.data(), &len, EVP_sha256(), nullptr);
    return out;
}

}  // namespace ic
