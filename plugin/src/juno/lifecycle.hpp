// Stopping a module for a snapshot or an upgrade, and starting it again whatever happens.
#pragma once

#include <functional>

#include "juno/module.hpp"

namespace juno {

// Stops the module (waiting until it is stopped), runs `work`, and starts the module again,
// also when `work` throws. If the restart itself fails, the error says the module is stopped
// and how to start it. Returns what `work` returned.
void with_module_stopped(Context& context, const std::function<void()>& work);

// Starts the module; used on its own by `juno-helper start`.
void start_module(Context& context);

}  // namespace juno
