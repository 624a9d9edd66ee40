// Uploads a large module into the canister's chunk store, several chunks at a time, skipping
// chunks the store already holds (from an earlier, interrupted upgrade).
#pragma once

#include <vector>

#include "ic/sha256.hpp"
#include "juno/module.hpp"

namespace juno {

// The IC accepts chunks of at most 1 MiB: the largest chunks mean the fewest calls.
constexpr std::size_t chunk_size = 1024 * 1024;

struct ChunkUploadResult {
    std::vector<ic::Hash> hashes;  // in module order, for install_chunked_code
    std::size_t uploaded = 0;      // chunks sent now
    std::size_t reused = 0;        // chunks the store already held
};

// Chunks in flight at once: each is one round trip, so a 20 MB module goes up in one wave (100
// MiB, the IC's largest, in five), at the cost of 20 MiB of signed requests in memory at once.
constexpr unsigned chunk_parallelism = 20;

// `stored`: what stored_chunks answered, read beside the run's first calls (wave.hpp).
ChunkUploadResult upload_chunks(Context& context, ic::ByteView module,
                                const std::vector<ic::Hash>& stored,
                                unsigned parallelism = chunk_parallelism);

}  // namespace juno
