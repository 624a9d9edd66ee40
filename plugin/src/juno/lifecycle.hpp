// Stopping a module for a snapshot or an upgrade, and starting it again whatever happens.
#pragma once

#include <functional>

#include "ic/error.hpp"
#include "juno/module.hpp"

namespace juno {

// Stops the module (waiting until it is stopped), runs `work`, and starts the module again,
// also when `work` throws. If the restart itself fails, the error says the module is stopped
// and how to start it. Returns what `work` returned.
void with_module_stopped(Context& context, const std::function<void()>& work);

// True when `error` says the module was left stopped (its message then already tells how to
// start it); other failures of with_module_stopped leave the module running.
bool left_module_stopped(const ic::Error& error);

// Whether a failed call's effect is known: a rejection by the IC (certified or not) changed
// nothing, but after a lost or untrustworthy reply the call may or may not have executed.
bool outcome_known(const ic::Error& error);

// Starts the module; used on its own by `juno-helper start`.
void start_module(Context& context);

}  // namespace juno
