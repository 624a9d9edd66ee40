#include "juno/recovery.hpp"

#include <chrono>
#include <thread>

#include "ic/error.hpp"
#include "juno/interrupt.hpp"
#include "juno/lifecycle.hpp"
#include "juno/records.hpp"
#include "juno/snapshots.hpp"

namespace juno {

namespace {

std::string short_hash(const std::optional<ic::Bytes>& hash) {
    if (!hash) return "(none)";
    return ic::to_hex(*hash).substr(0, 16) + "...";
}

std::string hex_id(const ic::Bytes& id) { return "0x" + ic::to_hex(id); }

}  // namespace

// A call sent by a run that died, or whose answer was lost, may still be on its way: the IC
// executes it if it arrives before its ingress expiry. Until the IC knows it, or its expiry has
// passed, the module's state does not yet say what that call did.
void wait_for_call_in_flight(Context& context, const JournalRecord& earlier) {
    if (!earlier.request_id) return;
    bool told = false;
    while (true) {
        ic::RequestState state = ic::RequestState::Unknown;
        try {
            state = context.agent.request_state(context.module.canister, *earlier.request_id);
        } catch (const ic::RejectError&) {
            // Another identity cannot read that run's requests: go by the module alone.
            context.progress("the earlier run's " + earlier.request_method +
                             " call cannot be looked up with this identity; judging from the "
                             "module's state");
            return;
        }
        if (state != ic::RequestState::Unknown && state != ic::RequestState::Pending) return;
        if (state == ic::RequestState::Unknown &&
            context.agent.replica_now() > earlier.request_expiry) {
            return;  // expired unseen: it will never execute
        }
        if (!told) {
            context.progress("waiting for the earlier run's " + earlier.request_method +
                             " call, which may still execute until " +
                             format_time(earlier.request_expiry));
            told = true;
        }
        interrupt::checkpoint();
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
}

namespace {}  // namespace

std::optional<Repair> repair_earlier_run(Context& context) {
    if (!context.state) return std::nullopt;
    Journal journal(context.state->journal());
    auto earlier = journal.read();
    if (!earlier) return std::nullopt;

    Repair repair;
    repair.earlier = *earlier;
    auto note = [&](const std::string& text) {
        repair.notes.push_back(text);
        context.progress(text);
    };
    note("an earlier run (juno-helper " + earlier->command + ", pid " +
         std::to_string(earlier->pid) + ", started " + format_time(earlier->started_at) +
         ") ended during its '" + to_string(earlier->step) + "' step; putting " +
         context.module.label() + " back first");

    try {
        wait_for_call_in_flight(context, *earlier);
        auto status = context.management.canister_status(context.module.canister);
        bool owner_stopped = earlier->found.status != CanisterRunState::Running;
        if (earlier->stopped_by_helper && !owner_stopped &&
            status.status != CanisterRunState::Running) {
            context.progress("starting " + context.module.label() + " again");
            context.management.start_canister(context.module.canister);
            note("started " + context.module.label() + " again: that run had stopped it");
        }
        if (earlier->chunks_uploaded) {
            context.management.clear_chunk_store(context.module.canister);
            note("cleared the chunks that run had uploaded");
        }
        // What the earlier run's last piece of work did, told from the module itself.
        if (earlier->new_module_hash) {
            bool installed = status.module_hash && *status.module_hash == *earlier->new_module_hash;
            if (installed) {
                note("that run's install went through: the module is " +
                     short_hash(earlier->new_module_hash) + " now" +
                     (earlier->restore_point
                          ? "; its restore point is backup " + hex_id(earlier->restore_point->id) +
                                ", kept until an upgrade completes"
                          : ""));
            } else {
                note("that run's install did not happen: the module is still " +
                     short_hash(status.module_hash));
                forget_record(context.state->upgrade_record());
            }
        } else if (earlier->step == Step::TakeSnapshot || earlier->may_replace) {
            auto backups = list_backups(context);
            if (earlier->may_replace) {
                bool replaced = !still_listed(backups, *earlier->may_replace);
                note(replaced ? "that run's backup was taken: it replaced backup " +
                                    hex_id(*earlier->may_replace)
                              : "that run's backup was not taken; backup " +
                                    hex_id(*earlier->may_replace) + " is still there");
            } else {
                note("that run was taking a backup; the module holds " +
                     std::to_string(backups.size()) +
                     " backup(s) now (see them with: " + context.module.command_for("list") + ")");
            }
        } else if (earlier->command == "restore" && earlier->snapshot) {
            note(earlier->work_done
                     ? "that run had loaded backup " + hex_id(*earlier->snapshot)
                     : "that run was loading backup " + hex_id(*earlier->snapshot) +
                           "; it may or may not have been loaded. Check the module, and restore "
                           "again if needed: " +
                           context.module.command_for("restore"));
        } else if (earlier->command == "delete" && earlier->snapshot) {
            auto backups = list_backups(context);
            bool gone = !still_listed(backups, *earlier->snapshot);
            note("that run's delete of backup " + hex_id(*earlier->snapshot) +
                 (gone ? " went through" : " did not happen"));
        }
    } catch (const ic::Error& error) {
        ic::rethrow_with_message(
            error,
            "an earlier run (juno-helper " + earlier->command + ") left " + context.module.label() +
                " mid-way" +
                (earlier->stopped_by_helper && earlier->found.status == CanisterRunState::Running
                     ? " and maybe STOPPED"
                     : "") +
                ", and putting it back failed: " + error.what() +
                "\nNothing else was done. Run this command again to finish the repair.");
    }
    journal.clear();
    return repair;
}

}  // namespace juno
