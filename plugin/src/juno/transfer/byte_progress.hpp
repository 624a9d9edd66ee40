// How a transfer reports its bytes: a callback that feeds the console's meter (juno/console.hpp),
// which draws one updating line on a terminal, a few plain lines in a pipe, nothing with --quiet.
// Transfers call it from worker threads, one call at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "juno/console.hpp"

namespace juno::transfer {

// `done`: bytes transferred so far, out of `total` (running totals; a resumed transfer starts
// with what was already there).
using ByteProgress = std::function<void(std::uint64_t done, std::uint64_t total)>;

// A meter on `console` labelled "<label> <total>" (e.g. "downloading backup 0x.. 64.0 MB"),
// started at the first call and finished when `done` reaches `total`. Dropped before that (the
// transfer failed or was interrupted), the meter says where it stopped.
ByteProgress meter_progress(Console& console, std::string label);

}  // namespace juno::transfer
