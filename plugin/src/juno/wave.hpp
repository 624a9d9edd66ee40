// Calls that do not depend on one another go out together: each on an agent of its own (forked
// from the run's: same identity and root key, one connection pool), so that a wave of them costs
// one round trip however many it holds.
#pragma once

#include <future>
#include <utility>

#include "ic/agent.hpp"
#include "ic/management.hpp"

namespace juno {

// Starts `call(agent, management)` now, on a thread of its own with a fork of `agent`, and
// returns its future: get() gives its result or rethrows its ic::Error, so that a call's failure
// is told where its answer is used, with what the run has done by then. Reads go out this way
// before they are known to be needed (an answer not needed is dropped), and cleanups whose loss
// the journal repairs. The future's destructor waits for the call, so no call outlives the scope
// that started it.
template <class Call>
auto beside(const ic::Agent& agent, Call call) {
    return std::async(std::launch::async, [fork = agent.fork(), call = std::move(call)]() mutable {
        ic::management::ManagementCanister management(fork);
        return call(fork, management);
    });
}

}  // namespace juno
