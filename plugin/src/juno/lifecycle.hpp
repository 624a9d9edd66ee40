// Stopping a module for a snapshot, a load or an install, and starting it again whatever happens:
// an error, a lost answer or a signal. A module its owner had stopped is left stopped.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "ic/error.hpp"
#include "juno/module.hpp"
#include "juno/snapshots.hpp"

namespace juno {

using ic::management::CanisterStatus;

// A failure after which the module is stopped because starting it again failed too. The journal
// keeps the run's record, so the next command on the module starts it; the message says so.
class ModuleLeftStopped : public ic::Error {
public:
    ModuleLeftStopped(ic::ErrorKind kind, const std::string& message) : ic::Error(kind, message) {}
};

// Reads the module's status and records it in context.run.found: what the run found, which
// decides whether it stops and starts the module.
CanisterStatus read_found_state(Context& context);

// The first wave of a run that may stop the module, one round trip: read_found_state, the
// module's backups (list_backups) and, when it must be fetched, the root key, side by side.
struct FoundModule {
    CanisterStatus status;
    std::vector<Snapshot> backups;
};
FoundModule read_found_state_and_backups(Context& context);

// The module's status read at the end of a run, or why it could not be read: output reports
// this, never a state it assumes.
struct FinalState {
    std::optional<CanisterStatus> status;
    std::string unread_because;
};
FinalState read_final_state(Context& context);
// The same after `error` ended the work: after a reply that failed verification nothing more is
// asked of that network (its answers cannot be trusted), so the state is reported as not read.
FinalState read_final_state_after(Context& context, const ic::Error& error);

// Runs `work` with the module stopped; inside the window only what must happen while stopped
// waits for an answer. It stops the module (recorded in the journal), unless its owner had it
// stopped (context.run.found), waiting while it is stopping. Beside the stop, in the same round
// trip, it reads the module's status and checks that no one else installed another module since
// the run found it, nor started it again (told only when that read comes after the stop took
// effect); a change throws ic::Error, Busy, after starting the module again. A start by another
// client between the stop and `work` is not seen. `work` gets that status: its canister version
// may predate the stop (read_once_stopped; read_status_once_stopped reads it again for work that
// needs the version as of the stop). Then it starts the module again, unless its owner had it
// stopped; also when `work` throws or a signal arrives (signals are checked before `work`). When
// that start fails, throws ModuleLeftStopped.
// Returns the module's status read beside the start (when it stays stopped, after `work`): what
// the output reports. That read may predate the start: its run state is then the start's, whose
// reply says the module runs, and its canister version may predate the start.
// `beside_start`, when given, runs once `work` has succeeded: on a fork of the agent beside the
// start, in the same round trip (or after `work`, when the module stays stopped). It is for
// cleanups the journal's Start step already repairs (clear_chunk_store) and reads of what `work`
// made: it must catch its own errors, and must not touch `context`, which the start uses
// meanwhile.

// Whether `status`, handed to the work of with_module_stopped, was read once the module was
// stopped: its canister version is then the version as of the stop (the module runs nothing while
// stopped). A status read beside the stop may predate it.
bool read_once_stopped(const CanisterStatus& status);

// Reads the module's status again inside the stop window, with the same check that no one else
// started it or installed another module (throws ic::Error, Busy): for work handed a status read
// beside the stop that needs the canister version as of the stop.
CanisterStatus read_status_once_stopped(Context& context);

FinalState with_module_stopped(
    Context& context, const std::function<void(const CanisterStatus&)>& work,
    const std::function<void(ic::management::ManagementCanister&)>& beside_start = {});

// For failures before a run changed anything: rethrows `error` as "<command> failed: ...", saying
// that the module was not touched and how to run the command again.
// " Run it again with: <command>", or nothing when `error` denies permission (running it again
// cannot help; the identity hint says what can).
std::string run_again(const Context& context, const std::string& command, const ic::Error& error);

[[noreturn]] void fail_untouched(const Context& context, const std::string& command,
                                 const ic::Error& error);

// Whether a failed call's effect is known: a rejection by the IC (certified or not) changed
// nothing, but after a lost or untrustworthy reply the call may or may not have executed.
bool outcome_known(const ic::Error& error);

// Starts the module; used on its own by `juno-helper start`.
void start_module(Context& context);

// "running", "stopped, as its owner had it", or why the state is not known.
std::string describe_final_state(const Context& context, const FinalState& final_state);

}  // namespace juno
