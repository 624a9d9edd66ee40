#include "juno/state_files.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "ic/error.hpp"
#include "juno/file_descriptor.hpp"

namespace juno {

namespace {

[[noreturn]] void cannot_write(const std::filesystem::path& path, const std::string& why) {
    throw ic::Error(ic::ErrorKind::Usage, "cannot write " + path.string() + ": " + why);
}

}  // namespace

std::filesystem::path user_state_folder() {
    if (const char* xdg = std::getenv("XDG_STATE_HOME"); xdg && *xdg == '/') {
        return std::filesystem::path(xdg) / "juno-cmake";
    }
    if (const char* home = std::getenv("HOME"); home && *home == '/') {
        return std::filesystem::path(home) / ".local" / "state" / "juno-cmake";
    }
    return std::filesystem::temp_directory_path() /
           ("juno-cmake-" + std::to_string(static_cast<unsigned long>(::getuid())));
}

std::string module_key(const ic::Principal& canister, const std::string& network_url) {
    std::string network = network_url;
    if (auto scheme = network.find("://"); scheme != std::string::npos) {
        network = network.substr(scheme + 3);
    }
    while (!network.empty() && network.back() == '/') network.pop_back();
    for (char& c : network) {
        bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '-';
        if (!safe) c = '-';
    }
    return canister.to_text() + "@" + network;
}

StateFiles state_files_for(const ic::Principal& canister, const std::string& network_url) {
    return StateFiles{user_state_folder(), module_key(canister, network_url)};
}

void write_file_durably(const std::filesystem::path& path, const std::string& text) {
    std::error_code ec;
    std::filesystem::create_directories(path.parent_path(), ec);
    if (ec) cannot_write(path, ec.message());
    auto temp = path;
    temp += ".tmp";
    {
        FileDescriptor fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
        if (fd.get() < 0) cannot_write(path, std::strerror(errno));
        const char* data = text.data();
        std::size_t left = text.size();
        while (left > 0) {
            ssize_t n = ::write(fd.get(), data, left);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) cannot_write(path, std::strerror(errno));
            data += n;
            left -= static_cast<std::size_t>(n);
        }
        if (::fsync(fd.get()) != 0) cannot_write(path, std::strerror(errno));
    }
    if (::rename(temp.c_str(), path.c_str()) != 0) cannot_write(path, std::strerror(errno));
    FileDescriptor folder(::open(path.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (folder.get() >= 0) ::fsync(folder.get());
}

}  // namespace juno
