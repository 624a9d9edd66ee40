#include "juno/chunk_upload.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <set>
#include <thread>

#include "ic/error.hpp"
#include "juno/interrupt.hpp"

namespace juno {

ChunkUploadResult upload_chunks(Context& context, ic::ByteView module, unsigned parallelism) {
    ChunkUploadResult result;
    std::vector<ic::ByteView> chunks;
    for (std::size_t offset = 0; offset < module.size(); offset += chunk_size) {
        chunks.push_back(module.subspan(offset, std::min(chunk_size, module.size() - offset)));
        result.hashes.push_back(ic::sha256(chunks.back()));
    }
    auto stored_list = context.management.stored_chunks(context.module.canister);
    std::set<ic::Hash> stored(stored_list.begin(), stored_list.end());
    std::vector<std::size_t> missing;
    for (std::size_t i = 0; i < chunks.size(); ++i) {
        if (stored.count(result.hashes[i]) == 0) missing.push_back(i);
    }
    result.reused = chunks.size() - missing.size();
    result.uploaded = missing.size();
    if (result.reused > 0) {
        context.progress("the chunk store already holds " + std::to_string(result.reused) + " of " +
                         std::to_string(chunks.size()) + " chunks; uploading the other " +
                         std::to_string(missing.size()));
    }
    if (missing.empty()) return result;

    std::size_t total_bytes = 0;
    for (auto i : missing) total_bytes += chunks[i].size();
    std::atomic<std::size_t> next{0};
    std::mutex mutex;  // guards done, bytes_done, failure and progress output
    std::size_t done = 0;
    std::size_t bytes_done = 0;
    std::exception_ptr failure;

    auto worker = [&](ic::Agent agent) {
        ic::management::ManagementCanister management(agent);
        while (true) {
            std::size_t slot = next.fetch_add(1);
            if (slot >= missing.size()) return;
            {
                std::lock_guard lock(mutex);
                if (failure) return;
            }
            std::size_t index = missing[slot];
            try {
                interrupt::checkpoint();  // a signal ends the upload between chunks
                ic::Hash hash = management.upload_chunk(context.module.canister, chunks[index]);
                if (hash != result.hashes[index]) {
                    throw ic::Error(ic::ErrorKind::Protocol,
                                    "the replica stored chunk " + std::to_string(index + 1) +
                                        " under a different hash than its contents have");
                }
                std::lock_guard lock(mutex);
                ++done;
                bytes_done += chunks[index].size();
                context.progress("uploaded chunk " + std::to_string(done) + "/" +
                                 std::to_string(missing.size()) + " (" + format_size(bytes_done) +
                                 " of " + format_size(total_bytes) + ")");
            } catch (...) {
                std::lock_guard lock(mutex);
                if (!failure) failure = std::current_exception();
                return;
            }
        }
    };

    unsigned threads = static_cast<unsigned>(std::min<std::size_t>(parallelism, missing.size()));
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < threads; ++t) pool.emplace_back(worker, context.agent.fork());
    for (auto& thread : pool) thread.join();
    if (failure) std::rethrow_exception(failure);
    return result;
}

}  // namespace juno
