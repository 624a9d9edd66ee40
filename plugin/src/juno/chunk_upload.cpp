#include "juno/chunk_upload.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <set>
#include <thread>

#include "ic/error.hpp"
#include "juno/console.hpp"
#include "juno/interrupt.hpp"

namespace juno {

namespace {

// The IC refuses a chunk the store has no room for with IC0504 "... Wasm chunk store has already
// reached its maximum size" (its cap is 100 MiB, ic-protocol.md).
bool chunk_store_full(const ic::Error& error) {
    auto* reject = dynamic_cast<const ic::RejectError*>(&error);
    return reject && reject->reject_message().find("maximum size") != std::string::npos &&
           reject->reject_message().find("chunk store") != std::string::npos;
}

// Uploads chunks[i] for each i in `missing`, `parallelism` at a time, shown as one meter;
// rethrows the first failure.
void upload_missing(Context& context, const std::vector<ic::ByteView>& chunks,
                    const std::vector<ic::Hash>& hashes, const std::vector<std::size_t>& missing,
                    unsigned parallelism) {
    std::size_t total_bytes = 0;
    for (auto i : missing) total_bytes += chunks[i].size();
    Meter meter = console().start(missing.size() == chunks.size()
                                      ? "uploading " + format_size(total_bytes) + " module in " +
                                            std::to_string(chunks.size()) + " chunks"
                                      : "uploading " + std::to_string(missing.size()) +
                                            " of the module's " + std::to_string(chunks.size()) +
                                            " chunks (" + format_size(total_bytes) + ")",
                                  total_bytes);
    std::atomic<std::size_t> next{0};
    std::mutex mutex;  // guards failure
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
                if (hash != hashes[index]) {
                    throw ic::Error(ic::ErrorKind::Protocol,
                                    "the replica stored chunk " + std::to_string(index + 1) +
                                        " under a different hash than its contents have");
                }
                meter.add(chunks[index].size());
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
    if (failure) std::rethrow_exception(failure);  // the meter says where the upload stopped
    meter.finish();
}

}  // namespace

ChunkUploadResult upload_chunks(Context& context, ic::ByteView module,
                                const std::vector<ic::Hash>& stored_list, unsigned parallelism) {
    ChunkUploadResult result;
    std::vector<ic::ByteView> chunks;
    for (std::size_t offset = 0; offset < module.size(); offset += chunk_size) {
        chunks.push_back(module.subspan(offset, std::min(chunk_size, module.size() - offset)));
        result.hashes.push_back(ic::sha256(chunks.back()));
    }
    std::set<ic::Hash> stored(stored_list.begin(), stored_list.end());
    std::set<ic::Hash> wanted(result.hashes.begin(), result.hashes.end());
    // Chunks of another module (an earlier, failed or interrupted upload): they only take room.
    std::size_t leftovers = 0;
    for (const auto& hash : stored) leftovers += wanted.count(hash) == 0 ? 1 : 0;
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
    try {
        upload_missing(context, chunks, result.hashes, missing, parallelism);
    } catch (const ic::Error& error) {
        if (!chunk_store_full(error)) throw;
        if (leftovers == 0) {
            ic::rethrow_with_message(
                error, std::string(error.what()) +
                           "\nThe module's Wasm chunk store is full (the IC holds at most 100 MiB "
                           "of chunks) and holds nothing but this module's chunks: the module, " +
                           format_size(module.size()) + ", is larger than it can take.");
        }
        // Room is short because of leftovers: clear the store (this run's chunks included, since
        // clear_chunk_store clears all) and upload the whole module once more.
        context.progress("the chunk store is full; it holds " + std::to_string(leftovers) +
                         " chunk(s) of an earlier upload that are not part of this module; "
                         "clearing it and uploading all " +
                         std::to_string(chunks.size()) + " chunks");
        context.enter(Step::ClearChunkStore);
        context.management.clear_chunk_store(context.module.canister);
        context.enter(Step::UploadChunks);
        std::vector<std::size_t> all(chunks.size());
        for (std::size_t i = 0; i < all.size(); ++i) all[i] = i;
        upload_missing(context, chunks, result.hashes, all, parallelism);
        result.reused = 0;
        result.uploaded = chunks.size();
    }
    return result;
}

}  // namespace juno
