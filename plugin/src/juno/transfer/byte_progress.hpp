// How a transfer reports its bytes: a callback the command chooses (a meter on a terminal, plain
// lines elsewhere). Transfers call it from worker threads, one call at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "juno/module.hpp"

namespace juno::transfer {

using ByteProgress = std::function<void(std::uint64_t done, std::uint64_t total)>;

// Plain progress lines through `progress`: "<verb> 25.0 MB of 256 MB (10%)", one per tenth of
// the total and one at the end, so that logs stay short.
ByteProgress plain_byte_lines(Progress progress, std::string verb);

}  // namespace juno::transfer
