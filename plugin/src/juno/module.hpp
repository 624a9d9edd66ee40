// What every operation on a module shares: the module, the management canister, and how to
// tell the user about progress and about what to run next.
#pragma once

#include <functional>
#include <string>

#include "ic/agent.hpp"
#include "ic/management.hpp"
#include "ic/principal.hpp"

namespace juno {

struct Module {
    std::string name;  // the juno_add_module name, or empty when run by hand
    ic::Principal canister;
    std::string build_dir;    // for "run this next" hints; empty when run by hand
    std::string config_path;  // the module config the helper was given, if any

    std::string label() const;  // "module satellite (ryjl3-...)" or "canister ryjl3-..."
    // The command that runs `action` (backup, restore, ...) for this module again.
    std::string command_for(const std::string& action) const;
};

// One line of progress (stderr); never read by scripts.
using Progress = std::function<void(const std::string&)>;

struct Context {
    Context(Module m, ic::Agent& a, Progress p)
        : module(std::move(m)), agent(a), management(a), progress(std::move(p)) {}

    Module module;
    ic::Agent& agent;
    ic::management::ManagementCanister management;
    Progress progress;
};

std::string format_time(std::uint64_t nanoseconds_since_epoch);  // 2026-11-27 03:04:05 UTC
std::string format_size(std::uint64_t bytes);                    // 1.5 MB

}  // namespace juno
