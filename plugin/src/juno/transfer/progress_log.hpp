// The record of an off-chain transfer in progress, kept in its folder so that an interrupted
// download or upload continues where it stopped: a header line naming the module and snapshot,
// then one line per slice done ("<file> <offset> <size> <sha256>"), appended as each completes.
// An upload whose snapshot is not known yet (its metadata call is on its way) has "pending" for
// the snapshot, the backups listed before ("listed <id>") and the call ("call <request id>
// <ingress expiry>"): what a later run needs to find the snapshot that call may have created.
// Appending never rewrites what is there, so a kill leaves at worst a torn last line, which is
// ignored. A download does not trust the lines: it re-hashes each slice on disk before skipping it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "ic/bytes.hpp"
#include "ic/sha256.hpp"

namespace juno::transfer {

inline constexpr const char* download_progress_file = "juno-download-progress.log";
inline constexpr const char* upload_progress_file = "juno-upload-progress.log";

struct ProgressHeader {
    std::string operation;    // "download" or "upload"
    std::string canister_id;  // download: the source module; upload: the target module
    ic::Bytes snapshot_id;    // download: the backup read; upload: the snapshot being written
                              // (empty: pending, the metadata call's answer not yet received)
    bool operator==(const ProgressHeader&) const = default;
};

// A state-changing call sent: the IC can be asked what became of it until its ingress expiry.
struct CallRecord {
    ic::Hash request_id{};
    std::uint64_t expiry = 0;  // nanoseconds since the epoch, by the replica's clock
    bool operator==(const CallRecord&) const = default;
};

struct SliceRecord {
    std::string name;  // the folder's file
    std::uint64_t offset = 0;
    std::uint64_t size = 0;
    ic::Hash sha256{};
    bool operator==(const SliceRecord&) const = default;
};

struct ProgressContents {
    ProgressHeader header;
    std::vector<SliceRecord> slices;
    std::vector<ic::Bytes> listed;  // pending uploads: the target's backups before the call
    std::vector<CallRecord> calls;  // pending uploads: the metadata call, as each try was signed
};

std::string format_header(const ProgressHeader& header);
std::string format_slice(const SliceRecord& slice);

// nullopt when `path` does not exist. Throws ic::Error (Usage) naming the file when its header is
// not one this helper writes; lines after the header that do not parse are ignored.
std::optional<ProgressContents> read_progress(const std::filesystem::path& path);

// Appends to a progress record; not thread-safe (callers hold their own lock).
class ProgressWriter {
public:
    // Creates the record with `header` (replacing any), or appends to the existing one.
    static ProgressWriter create(const std::filesystem::path& path, const ProgressHeader& header);
    static ProgressWriter append_to(const std::filesystem::path& path);
    ProgressWriter(ProgressWriter&& other) noexcept;
    ProgressWriter& operator=(ProgressWriter&&) = delete;
    ~ProgressWriter();
    void add(const SliceRecord& slice);
    void add_listed(const ic::Bytes& snapshot_id);
    void add_call(const CallRecord& call);

private:
    ProgressWriter(int fd, std::filesystem::path path) : fd_(fd), path_(std::move(path)) {}
    void write_line(const std::string& line);
    int fd_;
    std::filesystem::path path_;
};

}  // namespace juno::transfer
