// The table of helper commands: name, flags, help, and the function that runs it.
#pragma once

#include <string>
#include <vector>

#include "cli/options.hpp"

namespace cli {

struct Command {
    const char* name;
    const char* summary;
    std::vector<FlagSpec> flags;  // in addition to --help
    int (*run)(const ParsedFlags& flags);
    // Acts on one module, so that several --config run it for each, side by side
    // (cli/parallel_run.hpp).
    bool per_module = true;
};

const std::vector<Command>& commands();

}  // namespace cli
