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

// `stored`: what stored_chunks answered, read beside the run's first calls (wave.hpp).
ChunkUploadResult upload_chunks(Context& context, ic::ByteView module,
                                const std::vector<ic::Hash>& stored, unsigned parallelism = 8);

}  // namespace juno
