#include "juno/lifecycle.hpp"

#include <chrono>
#include <future>

#include "ic/error.hpp"
#include "juno/interrupt.hpp"
#include "juno/wave.hpp"

namespace juno {

namespace {

using ic::management::CanisterRunState;

// How long a module may take to stop (open calls to finish) before the helper gives up and starts
// it again.
constexpr std::chrono::minutes max_stop_wait{5};

// Waits until the module is stopped; a signal or the deadline ends the wait (throws).
void wait_until_stopped(Context& context) {
    auto deadline = std::chrono::steady_clock::now() + max_stop_wait;
    while (context.management.canister_status(context.module.canister).status !=
           CanisterRunState::Stopped) {
        interrupt::checkpoint();
        if (std::chrono::steady_clock::now() > deadline) {
            throw ic::Error(ic::ErrorKind::Network,
                            context.module.label() + " did not stop within 5 minutes");
        }
        interrupt::sleep_for(std::chrono::seconds(1));
    }
}

void stop_module(Context& context) {
    context.progress("stopping " + context.module.label());
    context.enter(Step::Stop);
    try {
        // stop_canister replies once the module is stopped.
        context.management.stop_canister(context.module.canister);
        return;
    } catch (const ic::RejectError& error) {
        // IC0206: the stop timed out while the module finishes open calls; it keeps stopping.
        if (error.error_code() != "IC0206") throw;
        context.progress("the module is still finishing open calls; waiting for it to stop");
    }
    wait_until_stopped(context);
}

// The failure that leaves the module stopped: `what` happened, then starting it again failed too.
ModuleLeftStopped left_stopped(const Context& context, ic::ErrorKind kind, const std::string& what,
                               const ic::Error& start_error) {
    return ModuleLeftStopped(kind, what + context.module.label() +
                                       " is STOPPED: starting it again failed (" +
                                       start_error.what() +
                                       "). The next juno-helper command on it starts it again; "
                                       "run: " +
                                       context.module.command_for("start"));
}

bool owner_had_it_stopped(const Context& context) {
    return context.run.found.status != CanisterRunState::Running;
}

// Once stopped, the module must be stopped and hold the module the run found: else another client
// (another machine's run, the Console) acted on it in between. Its canister version is not
// compared: a running module's own update calls move it. `read_beside_stop`: the status was read
// beside the stop and may predate it, so a run state other than stopped tells nothing.
void check_nothing_else_changed(Context& context, const CanisterStatus& stopped,
                                bool read_beside_stop) {
    if (stopped.status != CanisterRunState::Stopped && !read_beside_stop) {
        throw ic::Error(ic::ErrorKind::Busy,
                        context.module.label() + " is " +
                            ic::management::to_string(stopped.status) +
                            " although it was stopped a moment ago: another client started it "
                            "meanwhile. Nothing was changed by this run; run it again.");
    }
    if (stopped.module_hash != context.run.found.module_hash) {
        throw ic::Error(ic::ErrorKind::Busy,
                        context.module.label() +
                            " holds another module than a moment ago: another client installed "
                            "one meanwhile. Nothing was changed by this run; run it again.");
    }
}

// The module's status, read on a fork of the agent beside the call that follows.
std::future<CanisterStatus> status_beside(Context& context) {
    return beside(context.agent, [&canister = context.module.canister](ic::Agent&, auto& m) {
        return m.canister_status(canister);
    });
}

}  // namespace

bool read_once_stopped(const CanisterStatus& status) {
    return status.status == CanisterRunState::Stopped;
}

CanisterStatus read_status_once_stopped(Context& context) {
    CanisterStatus stopped = context.management.canister_status(context.module.canister);
    check_nothing_else_changed(context, stopped, false);
    return stopped;
}

CanisterStatus read_found_state(Context& context) {
    CanisterStatus status = context.management.canister_status(context.module.canister);
    context.run.found.status = status.status;
    context.run.found.module_hash = status.module_hash;
    context.run.found.version = status.version;
    return status;
}

FoundModule read_found_state_and_backups(Context& context) {
    const ic::Principal& canister = context.module.canister;
    auto root_key = beside(context.agent, [](ic::Agent& agent, auto&) { agent.root_key(); });
    auto backups = beside(context.agent, [&canister](ic::Agent&, auto& management) {
        return list_backups(management, canister);
    });
    CanisterStatus status = read_found_state(context);
    return {status, backups.get()};
}

void fail_untouched(const Context& context, const std::string& command, const ic::Error& error) {
    ic::rethrow_with_message(error, command + " failed: " + std::string(error.what()) +
                                        "\nNothing was changed: " + context.module.label() +
                                        " was not touched." + run_again(context, command, error));
}

std::string run_again(const Context& context, const std::string& command, const ic::Error& error) {
    // Repeating it cannot help without another identity; the caller's hint says what can.
    if (ic::denies_permission(error)) return "";
    return " Run it again with: " + context.module.command_for(command);
}

bool outcome_known(const ic::Error& error) {
    return error.kind() == ic::ErrorKind::Rejected || error.kind() == ic::ErrorKind::Usage ||
           error.kind() == ic::ErrorKind::Busy || error.kind() == ic::ErrorKind::Interrupted;
}

void start_module(Context& context) {
    context.progress("starting " + context.module.label());
    context.enter_to_repair(Step::Start);
    context.management.start_canister(context.module.canister);
    context.run.stopped_by_helper = false;
    context.save();  // a later repair must not start a module its owner then stops
}

FinalState with_module_stopped(
    Context& context, const std::function<void(const CanisterStatus&)>& work,
    const std::function<void(ic::management::ManagementCanister&)>& beside_start) {
    const bool restart = !owner_had_it_stopped(context);
    // Starts the module again after a failure; throws ModuleLeftStopped when that fails too.
    auto restart_after = [&](const ic::Error& error) {
        // Nothing to put back unless this run asked the module to stop.
        if (!restart || !context.run.stopped_by_helper) return;
        try {
            start_module(context);
        } catch (const ic::Error& start_error) {
            throw left_stopped(context, error.kind(), std::string(error.what()) + "\n",
                               start_error);
        }
    };

    try {
        interrupt::checkpoint();
        std::future<CanisterStatus> read_beside_stop;
        if (restart) {
            read_beside_stop = status_beside(context);
            stop_module(context);
        } else if (context.run.found.status == CanisterRunState::Stopping) {
            context.progress(context.module.label() +
                             " is stopping (its owner's doing); waiting for it to stop");
            wait_until_stopped(context);
        } else {
            context.progress(context.module.label() +
                             " is stopped, as its owner left it; it stays stopped");
        }
        const bool beside_stop = read_beside_stop.valid();
        CanisterStatus stopped = beside_stop
                                     ? read_beside_stop.get()
                                     : context.management.canister_status(context.module.canister);
        check_nothing_else_changed(context, stopped, beside_stop);
        interrupt::checkpoint();
        work(stopped);
        context.run.work_done = true;
    } catch (const ModuleLeftStopped&) {
        throw;
    } catch (const ic::Error& error) {
        restart_after(error);
        throw;
    } catch (const std::exception& error) {
        // Not an error the helper foresaw: the module is put back all the same.
        restart_after(
            ic::Error(ic::ErrorKind::Protocol, std::string("internal error: ") + error.what()));
        throw;
    }
    if (restart) {
        std::future<void> cleanup;
        if (beside_start) {
            cleanup = beside(context.agent,
                             [&](ic::Agent&, auto& management) { beside_start(management); });
        }
        std::future<CanisterStatus> final_read = status_beside(context);
        try {
            start_module(context);
        } catch (const ic::Error& start_error) {
            throw left_stopped(context, start_error.kind(), "the work is done, but ", start_error);
        }
        try {
            FinalState final_state;
            final_state.status = final_read.get();
            // The start's reply says the module runs; this read may predate it.
            final_state.status->status = CanisterRunState::Running;
            return final_state;
        } catch (const ic::Error&) {
            // Read again, after the start: the output reports a state read, or why it is not.
        }
    } else if (beside_start) {
        beside_start(context.management);
    }
    return read_final_state(context);
}

FinalState read_final_state(Context& context) {
    FinalState final_state;
    try {
        final_state.status = context.management.canister_status(context.module.canister);
    } catch (const ic::Error& error) {
        final_state.unread_because = error.what();
    }
    return final_state;
}

FinalState read_final_state_after(Context& context, const ic::Error& error) {
    if (error.kind() == ic::ErrorKind::Verification) {
        FinalState unread;
        unread.unread_because = "not asked: that network's answers failed verification";
        return unread;
    }
    return read_final_state(context);
}

std::string describe_final_state(const Context& context, const FinalState& final_state) {
    if (!final_state.status) {
        return "in a state this run could not read (" + final_state.unread_because +
               "); check it with: " + context.module.command_for("status");
    }
    std::string state = ic::management::to_string(final_state.status->status);
    if (final_state.status->status != CanisterRunState::Running &&
        context.run.found.status != CanisterRunState::Running) {
        state += ", as its owner had it";
    }
    return state;
}

}  // namespace juno
