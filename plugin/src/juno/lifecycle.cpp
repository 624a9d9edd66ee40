#include "juno/lifecycle.hpp"

#include <chrono>
#include <thread>

#include "ic/error.hpp"

namespace juno {

namespace {

using ic::management::CanisterRunState;

constexpr const char* stopped_notice = "The module is STOPPED";

void stop_module(Context& context) {
    const ic::Principal& canister = context.module.canister;
    context.progress("stopping " + context.module.label());
    try {
        // stop_canister replies once the module is stopped.
        context.management.stop_canister(canister);
        return;
    } catch (const ic::RejectError& error) {
        // IC0206: the stop timed out while the module finishes open calls; it keeps stopping.
        if (error.error_code() != "IC0206") throw;
        context.progress("the module is still finishing open calls; waiting for it to stop");
    }
    auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(5);
    while (context.management.canister_status(canister).status != CanisterRunState::Stopped) {
        if (std::chrono::steady_clock::now() > deadline) {
            throw ic::Error(ic::ErrorKind::Network,
                            context.module.label() + " did not stop within 5 minutes");
        }
        std::this_thread::sleep_for(std::chrono::seconds(1));
    }
}

}  // namespace

bool left_module_stopped(const ic::Error& error) {
    return std::string(error.what()).find(stopped_notice) != std::string::npos;
}

bool outcome_known(const ic::Error& error) {
    return error.kind() == ic::ErrorKind::Rejected || error.kind() == ic::ErrorKind::Usage;
}

void start_module(Context& context) {
    context.progress("starting " + context.module.label());
    context.management.start_canister(context.module.canister);
}

void with_module_stopped(Context& context, const std::function<void()>& work) {
    try {
        stop_module(context);
    } catch (...) {
        // A failed stop may leave the module stopping or stopped: starting it is always safe.
        try {
            start_module(context);
        } catch (...) {
        }
        throw;
    }
    try {
        work();
    } catch (const ic::Error& error) {
        try {
            start_module(context);
        } catch (const ic::Error& start_error) {
            throw ic::Error(error.kind(),
                            std::string(error.what()) +
                                "\nThe module is STOPPED: starting it again failed (" +
                                start_error.what() +
                                "). Start it with: " + context.module.command_for("start"));
        }
        throw;
    }
    try {
        start_module(context);
    } catch (const ic::Error& start_error) {
        throw ic::Error(start_error.kind(),
                        "the work is done but the module is STOPPED: starting it again failed (" +
                            std::string(start_error.what()) +
                            "). Start it with: " + context.module.command_for("start"));
    }
}

}  // namespace juno
