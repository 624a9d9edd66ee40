// juno-helper download: a backup (canister snapshot) of a module into a folder in icp's on-disk
// format (snapshot_folder.hpp), read many slices at a time and written straight to disk at their
// offsets, so memory stays bounded whatever the snapshot's size. The module is not stopped.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "juno/module.hpp"
#include "juno/snapshots.hpp"
#include "juno/transfer/byte_progress.hpp"
#include "juno/transfer/snapshot_folder.hpp"

namespace juno::transfer {

struct DownloadOptions {
    std::filesystem::path dir;
    std::optional<std::string> snapshot;  // hex id; default: the folder's unfinished download,
                                          // else the newest backup
    unsigned parallelism = 8;             // slices in flight
    ByteProgress on_bytes;
};

struct DownloadResult {
    Snapshot snapshot;
    Manifest manifest;
    std::uint64_t total_bytes = 0;    // data files
    std::uint64_t fetched_bytes = 0;  // read from the IC by this run
    bool resumed = false;             // an earlier run's slices on disk were checked and kept
};

// Throws ic::Error (Usage), with nothing written, when the folder already holds a complete
// download (its manifest), holds files that are not a download in progress, or holds one of
// another module or backup; and when the module has no such backup. An interruption (ic::
// Interrupted) or failure leaves the folder resumable: running the same command again continues.
DownloadResult download(Context& context, const DownloadOptions& options);

}  // namespace juno::transfer
