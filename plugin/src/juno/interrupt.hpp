// Signals as inputs: SIGINT (Ctrl-C), SIGTERM (a cancelled CI job), SIGHUP (a closed terminal) and
// SIGPIPE (`... | head`) do not kill the helper in the middle of a stop window. The first one is
// remembered, and the work ends at the next safe point (checkpoint) with the module put back; a
// second SIGINT, SIGTERM or SIGHUP exits at once, after printing what the module's state may be
// (the journal covers the rest: the next command on the module repairs it).
#pragma once

#include <chrono>
#include <string>

#include "ic/error.hpp"

namespace juno::interrupt {

// Installs the handlers; call once, early in main.
void install();

// The first signal received, or 0.
int pending();

// A signal's name: "SIGINT", ...
const char* signal_name(int signal);

// What a second signal prints before exiting at once: the module's state at this moment and the
// command that puts it back. Kept current by the journal as each step is recorded.
void set_exit_notice(const std::string& text);

// Throws ic::Interrupted when a signal is pending.
void checkpoint();

// Waits `duration`, a checkpoint every tenth of a second: a signal ends the wait (throws).
void sleep_for(std::chrono::milliseconds duration);

// For tests: forgets a pending signal.
void reset();

}  // namespace juno::interrupt
