// The journal of a run: before each step that changes a module (stop, take, load, install, start,
// delete, clear), the helper records durably what it is about to do and what the module was
// before. A run that ends normally removes its journal; one that was killed, crashed or lost its
// machine leaves it, and the next command on the module reads it first and puts the module back
// (recovery.hpp). "The module is left stopped" is thus a value here, not a phrase in a message.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "ic/bytes.hpp"
#include "ic/management.hpp"
#include "ic/sha256.hpp"

namespace juno {

using ic::management::CanisterRunState;

// The state-changing steps, in the order an upgrade takes them.
enum class Step {
    Begin,            // nothing changed yet
    UploadChunks,     // chunks of the new module go into the chunk store (module running)
    Stop,             // stop_canister
    TakeSnapshot,     // take_canister_snapshot (maybe replacing `may_replace`)
    LoadSnapshot,     // load_canister_snapshot of `snapshot`
    Install,          // install_code / install_chunked_code of `new_module_hash`
    Start,            // start_canister
    ClearChunkStore,  // clear_chunk_store
    DeleteSnapshot,   // delete_canister_snapshot of `snapshot`
};
const char* to_string(Step step);
std::optional<Step> step_from_string(const std::string& text);

// What the helper found when its run began.
struct FoundState {
    CanisterRunState status = CanisterRunState::Running;
    std::optional<ic::Bytes> module_hash;
    std::uint64_t version = 0;
};

struct JournalRecord {
    std::string command;  // backup, restore, upgrade, delete, start
    long pid = 0;
    std::uint64_t started_at = 0;  // nanoseconds since the epoch
    std::string network;           // URL
    std::string canister;          // text
    FoundState found;
    Step step = Step::Begin;
    // From the Stop step on: the helper asked the module to stop, so it must start it again
    // (unless the owner had it stopped: then found.status says so).
    bool stopped_by_helper = false;
    // From the UploadChunks step on: the chunk store holds chunks this run put there.
    bool chunks_uploaded = false;
    // The work of the stop window (take, load, install) completed; only starting again is left.
    bool work_done = false;
    std::optional<ic::management::Snapshot> restore_point;  // an upgrade's, once secured
    std::optional<ic::Bytes> may_replace;      // TakeSnapshot: the backup it may replace
    std::optional<ic::Bytes> snapshot;         // LoadSnapshot / DeleteSnapshot: the backup acted on
    std::optional<ic::Bytes> new_module_hash;  // Install: what is being installed
    // The last state-changing call sent: the IC can be asked what became of it, and until its
    // ingress expiry (nanoseconds since the epoch) it may still execute.
    std::string request_method;
    std::optional<ic::Hash> request_id;
    std::uint64_t request_expiry = 0;
};

std::string to_json(const JournalRecord& record);
// Throws ic::Error (Usage) naming `source` when the text is not a journal.
JournalRecord journal_from_json(const std::string& text, const std::string& source);

class Journal {
public:
    explicit Journal(std::filesystem::path file) : file_(std::move(file)) {}

    const std::filesystem::path& file() const { return file_; }
    // The record an earlier run left, if any. A file that cannot be read as a journal is an
    // error (ic::Error, Usage) naming it: it is never silently ignored.
    std::optional<JournalRecord> read() const;
    // Records `record` durably (write, fsync, rename) before the step it names is taken.
    void write(const JournalRecord& record) const;
    // The run is over: the module is as the run meant to leave it.
    void clear() const;

private:
    std::filesystem::path file_;
};

}  // namespace juno
