#include "juno/module_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include "ic/error.hpp"
#include "juno/interrupt.hpp"
#include "juno/module.hpp"

namespace juno {

namespace {

int open_lock_file(const std::filesystem::path& file) {
    std::error_code ec;
    std::filesystem::create_directories(file.parent_path(), ec);
    int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        throw ic::Error(ic::ErrorKind::Usage, "cannot open the module's lock file " +
                                                  file.string() + ": " + std::strerror(errno));
    }
    return fd;
}

bool lock_now(int fd) {
    while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        if (errno == EINTR) continue;
        if (errno == EWOULDBLOCK) return false;
        throw ic::Error(ic::ErrorKind::Usage,
                        std::string("cannot lock the module's lock file: ") + std::strerror(errno));
    }
    return true;
}

// Says who holds the lock now: rewritten by each holder once it has the lock.
void write_holder(int fd, const std::string& command) {
    auto now = std::chrono::system_clock::now().time_since_epoch();
    std::string text =
        std::to_string(::getpid()) + " " +
        std::to_string(std::chrono::duration_cast<std::chrono::nanoseconds>(now).count()) + " " +
        command + "\n";
    if (::ftruncate(fd, 0) != 0) return;
    [[maybe_unused]] auto written = ::pwrite(fd, text.data(), text.size(), 0);
}

}  // namespace

ModuleLock ModuleLock::acquire(const std::filesystem::path& file, const std::string& command,
                               std::chrono::milliseconds wait,
                               const std::function<void(const std::string&)>& notice) {
    int fd = open_lock_file(file);
    ModuleLock lock(fd);
    if (lock_now(fd)) {
        write_holder(fd, command);
        return lock;
    }
    std::string who = holder(file);
    if (who.empty()) who = "another juno-helper run";
    notice("waiting for " + who + ", which works on this module now (up to " +
           std::to_string(std::chrono::duration_cast<std::chrono::seconds>(wait).count()) + " s)");
    auto deadline = std::chrono::steady_clock::now() + wait;
    while (std::chrono::steady_clock::now() < deadline) {
        interrupt::checkpoint();
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        if (lock_now(fd)) {
            write_holder(fd, command);
            return lock;
        }
    }
    std::string now_holding = holder(file);
    throw ic::Error(
        ic::ErrorKind::Busy,
        (now_holding.empty() ? who : now_holding) + " still works on this module after " +
            std::to_string(std::chrono::duration_cast<std::chrono::seconds>(wait).count()) +
            " s; nothing was done. Run this again once it has finished (raise the wait with "
            "--wait <seconds>).");
}

std::optional<ModuleLock> ModuleLock::try_acquire(const std::filesystem::path& file,
                                                  const std::string& command) {
    int fd = open_lock_file(file);
    ModuleLock lock(fd);
    if (!lock_now(fd)) return std::nullopt;
    write_holder(fd, command);
    return lock;
}

std::string ModuleLock::holder(const std::filesystem::path& file) {
    std::ifstream in(file);
    long pid = 0;
    std::uint64_t since = 0;
    std::string command;
    if (!(in >> pid >> since) || !std::getline(in >> std::ws, command) || pid <= 0) return "";
    return "juno-helper " + command + " (pid " + std::to_string(pid) + ", since " +
           format_time(since) + ")";
}

ModuleLock::ModuleLock(ModuleLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }

ModuleLock& ModuleLock::operator=(ModuleLock&& other) noexcept {
    if (this != &other) {
        if (fd_ >= 0) ::close(fd_);
        fd_ = other.fd_;
        other.fd_ = -1;
    }
    return *this;
}

ModuleLock::~ModuleLock() {
    // Closing the descriptor releases the lock; the file stays for the next run.
    if (fd_ >= 0) ::close(fd_);
}

}  // namespace juno
