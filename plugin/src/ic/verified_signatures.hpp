// The BLS signatures this process has already checked. The IC signs a certified state once, and
// every answer read from that state carries the same signature over the same root hash: the
// answers to a wave of calls that one round executed, and the delegation every answer of a subnet
// carries. Checking such a signature again (6 ms of pairing each) proves nothing more, so each
// (key, signature, message) is checked once; answers that arrive together wait for the one check
// under way instead of repeating it on every core.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <set>

#include "ic/bytes.hpp"

namespace ic {

class VerifiedSignatures {
public:
    // Runs `check` (which throws when the signature is bad) unless this (key, signature, message)
    // has passed it before in this process. While another thread checks the same triple, waits
    // for its outcome: a pass counts for both, a failure is not kept, so `check` then runs here
    // too and throws its own error. Thread-safe.
    void check_once(ByteView public_key, ByteView signature, ByteView message,
                    const std::function<void()>& check);

    // Forgets every pass (the benchmarks measure a first check).
    void clear();

    // How many passes are kept; beyond it the oldest are no longer known (a run checks a few
    // hundred certificates at most).
    static constexpr std::size_t capacity = 4096;

private:
    std::mutex mutex_;
    std::condition_variable settled_;
    std::set<Bytes> passed_;
    std::set<Bytes> checking_;
};

// The process's one instance, which certificate checks use.
VerifiedSignatures& verified_signatures();

}  // namespace ic
