// The uploads into a module that created their snapshot and have not finished it. Such a snapshot
// is listed with the module's backups and counts against its snapshot limit, but holds zeros where
// the data was not sent yet: loading it would install a broken module. Only the upload's progress
// record (juno-upload-progress.log, in its folder) lets it be finished; a folder deleted or
// emptied meanwhile leaves an orphan that no command could tell from a backup. So the helper also
// keeps, in the module's state files, one line per upload in progress: "<snapshot id hex>
// <folder>", written right after the snapshot is created and removed when the upload completes.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "ic/bytes.hpp"
#include "juno/snapshots.hpp"

namespace juno::transfer {

struct UnfinishedUpload {
    ic::Bytes snapshot_id;
    std::filesystem::path dir;
};

// A file that cannot be read, or a line that does not parse, reads as no upload (the record only
// ever makes the helper skip or clear a snapshot of an upload it made).
std::vector<UnfinishedUpload> load_unfinished_uploads(const std::filesystem::path& file);
// Both write the file durably; they throw ic::Error (Usage) when they cannot.
void add_unfinished_upload(const std::filesystem::path& file, const UnfinishedUpload& upload);
void remove_unfinished_upload(const std::filesystem::path& file, const ic::Bytes& snapshot_id);

// Whether the upload can still be finished: its folder's progress record names its snapshot.
bool can_be_finished(const UnfinishedUpload& upload);

// The backups without those that are uploads not finished yet.
std::vector<Snapshot> finished_backups(const std::vector<Snapshot>& backups,
                                       const std::vector<UnfinishedUpload>& unfinished);

}  // namespace juno::transfer
