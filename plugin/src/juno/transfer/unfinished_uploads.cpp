#include "juno/transfer/unfinished_uploads.hpp"

#include <fstream>
#include <sstream>

#include "ic/error.hpp"
#include "juno/state_files.hpp"
#include "juno/transfer/progress_log.hpp"

namespace juno::transfer {

namespace {

namespace fs = std::filesystem;

void save(const fs::path& file, const std::vector<UnfinishedUpload>& uploads) {
    if (uploads.empty()) {
        std::error_code ec;
        fs::remove(file, ec);
        return;
    }
    std::string text;
    for (const auto& u : uploads) text += ic::to_hex(u.snapshot_id) + " " + u.dir.string() + "\n";
    write_file_durably(file, text);
}

}  // namespace

std::vector<UnfinishedUpload> load_unfinished_uploads(const fs::path& file) {
    std::vector<UnfinishedUpload> uploads;
    std::ifstream in(file);
    std::string line;
    while (std::getline(in, line)) {
        auto space = line.find(' ');
        if (space == std::string::npos || space == 0 || space + 1 == line.size()) continue;
        try {
            uploads.push_back({ic::from_hex(line.substr(0, space)), line.substr(space + 1)});
        } catch (const ic::Error&) {
            continue;
        }
    }
    return uploads;
}

void add_unfinished_upload(const fs::path& file, const UnfinishedUpload& upload) {
    auto uploads = load_unfinished_uploads(file);
    std::erase_if(uploads, [&](const auto& u) { return u.snapshot_id == upload.snapshot_id; });
    std::error_code ec;
    fs::path dir = fs::absolute(upload.dir, ec);
    uploads.push_back({upload.snapshot_id, ec ? upload.dir : dir});
    save(file, uploads);
}

void remove_unfinished_upload(const fs::path& file, const ic::Bytes& snapshot_id) {
    auto uploads = load_unfinished_uploads(file);
    auto before = uploads.size();
    std::erase_if(uploads, [&](const auto& u) { return u.snapshot_id == snapshot_id; });
    if (uploads.size() != before) save(file, uploads);
}

bool can_be_finished(const UnfinishedUpload& upload) {
    try {
        auto progress = read_progress(upload.dir / upload_progress_file);
        return progress && progress->header.operation == "upload" &&
               progress->header.snapshot_id == upload.snapshot_id;
    } catch (const ic::Error&) {
        return false;  // a record this helper did not write names no snapshot
    }
}

std::vector<Snapshot> finished_backups(const std::vector<Snapshot>& backups,
                                       const std::vector<UnfinishedUpload>& unfinished) {
    std::vector<Snapshot> finished;
    for (const auto& b : backups) {
        bool open = false;
        for (const auto& u : unfinished) open = open || u.snapshot_id == b.id;
        if (!open) finished.push_back(b);
    }
    return finished;
}

}  // namespace juno::transfer
