#include "juno/transfer/progress_log.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <sstream>

#include "ic/error.hpp"
#include "juno/transfer/snapshot_folder.hpp"

namespace juno::transfer {

namespace {

constexpr const char* magic = "juno-helper-transfer 1";
constexpr const char* pending = "pending";

std::optional<ic::Hash> parse_hash(const std::string& hex) {
    if (hex.size() != 64) return std::nullopt;
    try {
        ic::Bytes bytes = ic::from_hex(hex);
        ic::Hash h{};
        std::copy(bytes.begin(), bytes.end(), h.begin());
        return h;
    } catch (const ic::Error&) {
        return std::nullopt;
    }
}

}  // namespace

std::string format_header(const ProgressHeader& h) {
    return std::string(magic) + " " + h.operation + " " + h.canister_id + " " +
           (h.snapshot_id.empty() ? std::string(pending) : ic::to_hex(h.snapshot_id)) + "\n";
}

std::string format_slice(const SliceRecord& s) {
    return s.name + " " + std::to_string(s.offset) + " " + std::to_string(s.size) + " " +
           ic::to_hex(s.sha256) + "\n";
}

std::optional<ProgressContents> read_progress(const std::filesystem::path& path) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) return std::nullopt;
    std::istringstream in(read_text_file(path, std::size_t{1} << 30));
    std::string line;
    ProgressContents contents;
    auto broken = [&] {
        throw ic::Error(ic::ErrorKind::Usage,
                        path.string() +
                            " is not a juno-helper progress record (its first line is "
                            "not one this helper writes); move it away to start over");
    };
    if (!std::getline(in, line)) broken();
    {
        std::istringstream header(line);
        std::string word1, word2, snapshot;
        header >> word1 >> word2 >> contents.header.operation >> contents.header.canister_id >>
            snapshot;
        if (word1 + " " + word2 != magic || snapshot.empty()) broken();
        try {
            if (snapshot != pending) contents.header.snapshot_id = ic::from_hex(snapshot);
        } catch (const ic::Error&) {
            broken();
        }
    }
    while (std::getline(in, line)) {
        if (in.eof()) break;  // no newline yet: a torn write
        std::istringstream fields(line);
        if (line.starts_with("listed ")) {
            std::string word, id;
            fields >> word >> id;
            try {
                contents.listed.push_back(ic::from_hex(id));
            } catch (const ic::Error&) {
            }
            continue;
        }
        if (line.starts_with("call ")) {
            std::string word, id;
            CallRecord call;
            if (!(fields >> word >> id >> call.expiry)) continue;
            auto h = parse_hash(id);
            if (!h) continue;
            call.request_id = *h;
            contents.calls.push_back(call);
            continue;
        }
        SliceRecord slice;
        std::string hash;
        if (!(fields >> slice.name >> slice.offset >> slice.size >> hash)) continue;
        auto h = parse_hash(hash);
        if (!h) continue;
        slice.sha256 = *h;
        contents.slices.push_back(std::move(slice));
    }
    return contents;
}

ProgressWriter ProgressWriter::create(const std::filesystem::path& path,
                                      const ProgressHeader& header) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) {
        throw ic::Error(ic::ErrorKind::Usage,
                        "cannot create " + path.string() + ": " + std::strerror(errno));
    }
    ProgressWriter writer(fd, path);
    writer.write_line(format_header(header));
    return writer;
}

ProgressWriter ProgressWriter::append_to(const std::filesystem::path& path) {
    int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
    if (fd < 0) {
        throw ic::Error(ic::ErrorKind::Usage,
                        "cannot write " + path.string() + ": " + std::strerror(errno));
    }
    return ProgressWriter(fd, path);
}

ProgressWriter::ProgressWriter(ProgressWriter&& other) noexcept
    : fd_(other.fd_), path_(std::move(other.path_)) {
    other.fd_ = -1;
}

ProgressWriter::~ProgressWriter() {
    if (fd_ >= 0) ::close(fd_);
}

void ProgressWriter::add(const SliceRecord& slice) { write_line(format_slice(slice)); }

void ProgressWriter::add_listed(const ic::Bytes& snapshot_id) {
    write_line("listed " + ic::to_hex(snapshot_id) + "\n");
}

void ProgressWriter::add_call(const CallRecord& call) {
    write_line("call " + ic::to_hex(call.request_id) + " " + std::to_string(call.expiry) + "\n");
}

void ProgressWriter::write_line(const std::string& line) {
    // One write per line: O_APPEND keeps it whole against other writers, and a kill can only tear
    // the last one.
    ssize_t n = ::write(fd_, line.data(), line.size());
    if (n != static_cast<ssize_t>(line.size())) {
        throw ic::Error(ic::ErrorKind::Usage,
                        "cannot write " + path_.string() + ": " + std::strerror(errno));
    }
}

}  // namespace juno::transfer
