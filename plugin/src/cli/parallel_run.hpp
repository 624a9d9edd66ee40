// One command over several modules at once: `juno-helper backup --config a.json --config b.json`
// is what the aggregate targets (juno_backup, juno_upgrade, ...) run, so that modules are backed
// up and upgraded side by side under every generator (Ninja's console pool would otherwise run
// one module's target after another), whatever `-j` says.
//
// Each module gets its own juno-helper process, exactly the one its own target runs, with its own
// lock, journal and signal handling; the processes run in their own process groups, so that a
// signal reaches each of them once: from this process, which forwards SIGINT, SIGTERM and SIGHUP
// (a second one too: then they exit at once, as a single run does) and stops starting new ones.
// Their output is labelled with the module's name (cli/module_board.hpp); on a terminal a status
// area shows each running module's progress. At the end a summary repeats every failure, with
// the state the module is in and what to run next, and names the modules never started.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace cli {

struct ParallelRun {
    std::string command;               // backup, upgrade, ...
    std::vector<std::string> configs;  // one module config per module, in order
    std::vector<std::string> flags;    // every other argument, given to each module's run
    unsigned jobs = 16;                // at most this many modules at once
    bool json = false;
};

// The run `args` (after the command name) ask for when they name more than one module config;
// nullopt otherwise. Takes `--jobs <n>` (else JUNO_JOBS from the environment; 1 to 64, default
// 16: a module's run holds up to 9 connections while it uploads). Throws ic::Error (Usage) for a
// bad --jobs, --canister beside several configs, or what names one module's backup or folder
// (one_module_choices.hpp).
std::optional<ParallelRun> parallel_run_of(const std::string& command,
                                           const std::vector<std::string>& args);

// Runs it and returns the exit status: 0 when every module's run succeeded; 128 + the signal
// when this process was interrupted; else the status of the first module (in order) that failed.
// Every module config is read first: one that is broken stops the run before anything starts.
int run_in_parallel(const ParallelRun& run);

}  // namespace cli
