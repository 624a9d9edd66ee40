// An open file descriptor this process owns: closed when it goes, movable, never copied. One type
// for the journal's writes, the snapshot transfers' files and the pipes of a parallel run.
#pragma once

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "ic/error.hpp"

namespace juno {

class FileDescriptor {
public:
    FileDescriptor() = default;
    explicit FileDescriptor(int fd) : fd_(fd) {}
    FileDescriptor(FileDescriptor&& other) noexcept : fd_(other.release()) {}
    FileDescriptor& operator=(FileDescriptor&& other) noexcept {
        if (this != &other) reset(other.release());
        return *this;
    }
    FileDescriptor(const FileDescriptor&) = delete;
    FileDescriptor& operator=(const FileDescriptor&) = delete;
    ~FileDescriptor() { reset(); }

    int get() const { return fd_; }
    explicit operator bool() const { return fd_ >= 0; }
    int release() {
        int fd = fd_;
        fd_ = -1;
        return fd;
    }
    void reset(int fd = -1) {
        if (fd_ >= 0) ::close(fd_);
        fd_ = fd;
    }

private:
    int fd_ = -1;
};

// Opens `path` (close-on-exec; created files get `mode`). Throws ic::Error (Usage) naming the
// path and the system's reason.
inline FileDescriptor open_file(const std::filesystem::path& path, int flags, mode_t mode = 0644) {
    FileDescriptor fd(::open(path.c_str(), flags | O_CLOEXEC, mode));
    if (!fd) {
        throw ic::Error(ic::ErrorKind::Usage,
                        "cannot open " + path.string() + ": " + std::strerror(errno));
    }
    return fd;
}

}  // namespace juno
