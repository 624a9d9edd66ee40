// Every command on a module first reads the module's journal: a run that ended mid-way (killed,
// crashed, its machine lost) left one, and the module is put back as it says before anything
// else happens.
#pragma once

#include <optional>
#include <string>

#include "juno/journal.hpp"
#include "juno/module.hpp"

namespace juno {

// What repairing an earlier run found and did, for the user.
struct Repair {
    JournalRecord earlier;           // what the earlier run had recorded
    std::vector<std::string> notes;  // one line per finding or action
};

// Reads context.state's journal; when an earlier run left one, puts the module back: starts it if
// that run had stopped it (and its owner had not), clears the chunks it had uploaded, and works
// out whether its last step happened (an install from the module hash, a snapshot or a delete
// from the backup list). Then removes the journal. Returns nothing when there was no journal.
// Must be called holding the module's lock. Throws ic::Error, leaving the journal in place, when
// the module cannot be put back (the message says its state and to run the command again).
std::optional<Repair> repair_earlier_run(Context& context);

// Waits until the IC knows the outcome of the call `record` names (its request id), or until its
// ingress expiry has passed unseen (it will never execute); at most a few minutes. Returns at once
// when the record names no call, or when this identity cannot look it up.
void wait_for_call_in_flight(Context& context, const JournalRecord& record);

}  // namespace juno
