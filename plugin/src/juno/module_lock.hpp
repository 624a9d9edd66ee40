// One run per module on a machine: an exclusive flock(2) on the module's lock file, held for the
// whole run and released by the kernel however the run ends (also SIGKILL). The file names the
// holder (pid, command, start time) for the runs that wait.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

namespace juno {

class ModuleLock {
public:
    // Takes the lock, waiting up to `wait` while another run holds it (saying once, through
    // `notice`, which run it waits for). Throws ic::Error (Busy) naming the holder when the wait
    // runs out, and ic::Error (Usage) when the lock file cannot be made.
    static ModuleLock acquire(const std::filesystem::path& file, const std::string& command,
                              std::chrono::milliseconds wait,
                              const std::function<void(const std::string&)>& notice);

    // Takes the lock only if it is free at once.
    static std::optional<ModuleLock> try_acquire(const std::filesystem::path& file,
                                                 const std::string& command);

    // "juno-helper upgrade (pid 4242, since 2026-11-29 10:00:00 UTC)", or "" when none is known.
    static std::string holder(const std::filesystem::path& file);

    ModuleLock(ModuleLock&& other) noexcept;
    ModuleLock& operator=(ModuleLock&& other) noexcept;
    ModuleLock(const ModuleLock&) = delete;
    ModuleLock& operator=(const ModuleLock&) = delete;
    ~ModuleLock();

private:
    explicit ModuleLock(int fd) : fd_(fd) {}
    int fd_ = -1;
};

}  // namespace juno
