// Signals as inputs: SIGINT (Ctrl-C), SIGTERM (a cancelled CI job), SIGHUP (a closed terminal) and
// SIGPIPE (`... | head`) do not kill the helper in the middle of a stop window. The first one is
// remembered, and the work ends at the next safe point (checkpoint) with the module put back; a
// second SIGINT, SIGTERM or SIGHUP exits at once, after printing what the module's state may be
// (the journal covers the rest: the next command on the module repairs it). A juno-helper that runs
// several modules passes its signals on as SIGUSR1 (the first) and SIGUSR2 (a later one) with the
// signal's number (sigqueue), so that a module's run counts a signal once even when it was also
// sent to it directly (before or after): only a later signal to the parent, or a second one sent
// to the run itself, makes it exit at once.
#pragma once

#include <chrono>
#include <string>

#include "ic/error.hpp"

namespace juno::interrupt {

// Installs the handlers; call once, early in main.
void install();

// Passes `signal` on to a module's run started by this process: as its first signal, or (`again`)
// as a later one, which makes it exit at once.
void pass_on(int pid, int signal, bool again);

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
