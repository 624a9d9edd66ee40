#include "juno/module.hpp"

#include <ctime>
#include <iomanip>
#include <sstream>

namespace juno {

std::string Module::label() const {
    if (name.empty()) return "canister " + canister.to_text();
    return "module " + name + " (" + canister.to_text() + ")";
}

std::string Module::command_for(const std::string& action) const {
    // Actions with a CMake target are told as the target; start and status only as the helper.
    bool has_target = action != "start" && action != "status";
    if (has_target && !name.empty() && !build_dir.empty()) {
        std::string target = "juno_" + action + "_" + name;
        if (action == "list") target = "juno_backup_list_" + name;
        if (action == "delete") target = "juno_backup_delete_" + name;
        return "cmake --build " + build_dir + " --target " + target;
    }
    if (!config_path.empty()) return "juno-helper " + action + " --config " + config_path;
    return "juno-helper " + action + " --canister " + canister.to_text();
}

std::string format_time(std::uint64_t nanoseconds_since_epoch) {
    std::time_t seconds = static_cast<std::time_t>(nanoseconds_since_epoch / 1'000'000'000ULL);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    std::ostringstream out;
    out << std::put_time(&utc, "%Y-%m-%d %H:%M:%S UTC");
    return out.str();
}

std::string format_size(std::uint64_t bytes) {
    std::ostringstream out;
    if (bytes < 1000) {
        out << bytes << " B";
    } else {
        static const char* units[] = {"kB", "MB", "GB", "TB"};
        double value = static_cast<double>(bytes) / 1000.0;
        int unit = 0;
        while (value >= 1000.0 && unit < 3) {
            value /= 1000.0;
            ++unit;
        }
        out << std::fixed << std::setprecision(value < 10 ? 2 : 1) << value << ' ' << units[unit];
    }
    return out.str();
}

}  // namespace juno
