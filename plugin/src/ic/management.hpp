// The management canister (aaaaa-aa): the Candid arguments the helper sends, the replies it
// reads, and typed calls over an Agent.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ic/bytes.hpp"
#include "ic/candid.hpp"
#include "ic/principal.hpp"
#include "ic/sha256.hpp"

namespace ic {

class Agent;

namespace management {

enum class CanisterRunState { Running, Stopping, Stopped };
const char* to_string(CanisterRunState state);

struct CanisterStatus {
    CanisterRunState status = CanisterRunState::Running;
    std::uint64_t version = 0;  // counts executed updates and management changes
    std::optional<Bytes> module_hash;
    std::vector<Principal> controllers;
    candid::BigInt cycles;
    candid::BigInt memory_size;
};

struct Snapshot {
    Bytes id;
    std::uint64_t taken_at_timestamp = 0;  // nanoseconds since the epoch
    std::uint64_t total_size = 0;          // bytes
};

// The parts of a snapshot that read_/upload_canister_snapshot_data move in slices.
enum class SnapshotBlob { WasmModule, WasmMemory, StableMemory };
const char* to_string(SnapshotBlob blob);  // "wasm_module", "wasm_memory", "stable_memory"

// The IC's limit on one read_canister_snapshot_data slice (IC0408 above it), which icp and dfx
// also use for uploads (ic-protocol.md, size limits).
constexpr std::uint64_t max_snapshot_slice = 2'000'000;

// One exported mutable Wasm global of a snapshot, as read_canister_snapshot_metadata lists it.
struct SnapshotGlobal {
    enum class Type { I32, I64, F32, F64, V128 } type = Type::I32;
    std::int64_t integer = 0;  // I32, I64
    double real = 0;           // F32 (exactly representable as a double), F64
    candid::BigInt v128;       // V128: a nat of at most 128 bits
    bool operator==(const SnapshotGlobal&) const = default;
};

struct GlobalTimer {
    bool active = false;
    std::uint64_t at = 0;  // active: nanoseconds since the epoch
    bool operator==(const GlobalTimer&) const = default;
};

// read_canister_snapshot_metadata's reply; its sizes and state are what
// upload_canister_snapshot_metadata takes to create a snapshot elsewhere.
struct SnapshotMetadata {
    std::string source = "taken_from_canister";  // or "metadata_upload"
    std::uint64_t taken_at_timestamp = 0;        // nanoseconds since the epoch
    std::uint64_t wasm_module_size = 0;          // bytes
    std::vector<SnapshotGlobal> globals;
    std::uint64_t wasm_memory_size = 0;    // bytes
    std::uint64_t stable_memory_size = 0;  // bytes
    std::vector<Hash> wasm_chunk_store;    // SHA-256 of each chunk
    std::uint64_t canister_version = 0;
    Bytes certified_data;
    std::optional<GlobalTimer> global_timer;
    // condition_not_satisfied, ready or executed; absent on older IC versions.
    std::optional<std::string> on_low_wasm_memory_hook_status;

    std::uint64_t size_of(SnapshotBlob blob) const;
    bool operator==(const SnapshotMetadata&) const = default;
};

enum class InstallMode { Install, Reinstall, Upgrade };

struct InstallCode {
    InstallMode mode = InstallMode::Upgrade;
    Principal canister_id;
    Bytes wasm_module;
    Bytes arg;
    // Upgrade only: keep the Wasm memory (what modules with enhanced orthogonal persistence need).
    bool keep_wasm_memory = false;
    // Upgrade only: do not run the installed module's pre_upgrade (interface spec PR 135), for a
    // module whose pre_upgrade traps; what it would have saved is lost.
    bool skip_pre_upgrade = false;
};

struct InstallChunkedCode {
    InstallMode mode = InstallMode::Upgrade;
    Principal target_canister;
    std::vector<Hash> chunk_hashes;
    Hash wasm_module_hash{};
    Bytes arg;
    bool keep_wasm_memory = false;  // as in InstallCode
    bool skip_pre_upgrade = false;  // as in InstallCode
};

// ---- Candid arguments (exposed so that tests compare them with DFINITY's encoder) ----
// record { canister_id }: canister_status, stop_canister, start_canister, stored_chunks,
// clear_chunk_store, list_canister_snapshots.
Bytes canister_id_arg(const Principal& canister_id);
Bytes install_code_arg(const InstallCode& args);
Bytes upload_chunk_arg(const Principal& canister_id, ByteView chunk);
Bytes install_chunked_code_arg(const InstallChunkedCode& args);
Bytes take_canister_snapshot_arg(const Principal& canister_id,
                                 const std::optional<Bytes>& replace_snapshot);
Bytes load_canister_snapshot_arg(const Principal& canister_id, const Bytes& snapshot_id);
Bytes delete_canister_snapshot_arg(const Principal& canister_id, const Bytes& snapshot_id);
Bytes provisional_create_canister_with_cycles_arg(std::optional<std::uint64_t> amount,
                                                  const std::vector<Principal>& controllers);
Bytes read_canister_snapshot_metadata_arg(const Principal& canister_id, const Bytes& snapshot_id);
// A slice of `blob`: `size` bytes (at most max_snapshot_slice) from `offset`.
Bytes read_canister_snapshot_data_arg(const Principal& canister_id, const Bytes& snapshot_id,
                                      SnapshotBlob blob, std::uint64_t offset, std::uint64_t size);
// A chunk of the snapshot's Wasm chunk store, by its hash.
Bytes read_canister_snapshot_chunk_arg(const Principal& canister_id, const Bytes& snapshot_id,
                                       const Hash& chunk_hash);
Bytes upload_canister_snapshot_metadata_arg(const Principal& canister_id,
                                            const std::optional<Bytes>& replace_snapshot,
                                            const SnapshotMetadata& metadata);
Bytes upload_canister_snapshot_data_arg(const Principal& canister_id, const Bytes& snapshot_id,
                                        SnapshotBlob blob, std::uint64_t offset, ByteView chunk);
Bytes upload_canister_snapshot_chunk_arg(const Principal& canister_id, const Bytes& snapshot_id,
                                         ByteView chunk);
Bytes update_settings_controllers_arg(const Principal& canister_id,
                                      const std::vector<Principal>& controllers);

// ---- replies ----
CanisterStatus decode_canister_status(ByteView reply);
std::vector<Snapshot> decode_snapshots(ByteView reply);
Snapshot decode_snapshot(ByteView reply);
std::vector<Hash> decode_chunk_hashes(ByteView reply);  // stored_chunks
Hash decode_chunk_hash(ByteView reply);                 // upload_chunk
Principal decode_create_canister(ByteView reply);
SnapshotMetadata decode_snapshot_metadata(ByteView reply);
Bytes decode_snapshot_data(ByteView reply);         // read_canister_snapshot_data
Bytes decode_uploaded_snapshot_id(ByteView reply);  // upload_canister_snapshot_metadata
void decode_empty(ByteView reply);                  // () replies

// ---- calls ----
class ManagementCanister {
public:
    explicit ManagementCanister(Agent& agent) : agent_(agent) {}

    CanisterStatus canister_status(const Principal& canister);
    void stop_canister(const Principal& canister);
    void start_canister(const Principal& canister);
    void install_code(const InstallCode& args);
    Hash upload_chunk(const Principal& canister, ByteView chunk);
    std::vector<Hash> stored_chunks(const Principal& canister);
    void clear_chunk_store(const Principal& canister);
    void install_chunked_code(const InstallChunkedCode& args);
    Snapshot take_canister_snapshot(const Principal& canister,
                                    const std::optional<Bytes>& replace_snapshot);
    void load_canister_snapshot(const Principal& canister, const Bytes& snapshot_id);
    std::vector<Snapshot> list_canister_snapshots(const Principal& canister);
    void delete_canister_snapshot(const Principal& canister, const Bytes& snapshot_id);
    SnapshotMetadata read_canister_snapshot_metadata(const Principal& canister,
                                                     const Bytes& snapshot_id);
    Bytes read_canister_snapshot_data(const Principal& canister, const Bytes& snapshot_id,
                                      SnapshotBlob blob, std::uint64_t offset, std::uint64_t size);
    Bytes read_canister_snapshot_chunk(const Principal& canister, const Bytes& snapshot_id,
                                       const Hash& chunk_hash);
    // Creates an empty snapshot shaped by `metadata` (replacing `replace_snapshot`); returns its
    // id.
    Bytes upload_canister_snapshot_metadata(const Principal& canister,
                                            const std::optional<Bytes>& replace_snapshot,
                                            const SnapshotMetadata& metadata);
    void upload_canister_snapshot_data(const Principal& canister, const Bytes& snapshot_id,
                                       SnapshotBlob blob, std::uint64_t offset, ByteView chunk);
    void upload_canister_snapshot_chunk(const Principal& canister, const Bytes& snapshot_id,
                                        ByteView chunk);
    Principal provisional_create_canister_with_cycles(std::optional<std::uint64_t> amount,
                                                      const std::vector<Principal>& controllers);

private:
    Bytes update(const Principal& effective_canister, const char* method, Bytes arg);
    Agent& agent_;
};

}  // namespace management
}  // namespace ic
