#include "ic/verified_signatures.hpp"

#include <cstdint>

namespace ic {

namespace {

// The three inputs, each behind its length as 8 bytes, so that no two triples share a key.
Bytes triple_key(ByteView public_key, ByteView signature, ByteView message) {
    Bytes key;
    key.reserve(public_key.size() + signature.size() + message.size() + 24);
    for (ByteView part : {public_key, signature, message}) {
        const std::uint64_t size = part.size();
        for (int shift = 56; shift >= 0; shift -= 8) {
            key.push_back(static_cast<std::uint8_t>(size >> shift));
        }
        key.insert(key.end(), part.begin(), part.end());
    }
    return key;
}

}  // namespace

void VerifiedSignatures::check_once(ByteView public_key, ByteView signature, ByteView message,
                                    const std::function<void()>& check) {
    Bytes key = triple_key(public_key, signature, message);
    {
        std::unique_lock lock(mutex_);
        settled_.wait(lock, [&] { return checking_.count(key) == 0; });
        if (passed_.count(key) != 0) return;
        checking_.insert(key);
    }
    try {
        check();
    } catch (...) {
        std::lock_guard lock(mutex_);
        checking_.erase(key);
        settled_.notify_all();
        throw;
    }
    std::lock_guard lock(mutex_);
    checking_.erase(key);
    if (passed_.size() >= capacity) passed_.clear();
    passed_.insert(std::move(key));
    settled_.notify_all();
}

void VerifiedSignatures::clear() {
    std::lock_guard lock(mutex_);
    passed_.clear();
}

VerifiedSignatures& verified_signatures() {
    static VerifiedSignatures instance;
    return instance;
}

}  // namespace ic
