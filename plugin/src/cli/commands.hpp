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
};

const std::vector<Command>& commands();

}  // namespace cli
