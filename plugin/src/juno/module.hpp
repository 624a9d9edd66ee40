// What every operation on a module shares: the module, the management canister, and how to
// tell the user about progress and about what to run next.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "ic/agent.hpp"
#include "ic/management.hpp"
#include "ic/principal.hpp"
#include "juno/journal.hpp"
#include "juno/state_files.hpp"

namespace juno {

struct Module {
    std::string name;  // the juno_add_module name, or empty when run by hand
    ic::Principal canister;
    std::string build_dir;     // for "run this next" hints; empty when run by hand
    std::string build_config;  // multi-config generators: the configuration those hints name
    std::string config_path;   // the module config the helper was given, if any
    // The flags of the run that chose the network and identity ({"--network", "local"}, ...), as
    // given on the command line: the commands told next must reach the same module as the same
    // identity. Names and paths only (a key given as a value is refused before a run).
    std::vector<std::pair<std::string, std::string>> connection_flags;

    std::string label() const;  // "module satellite (ryjl3-...)" or "canister ryjl3-..."
    // The command that runs `action` (backup, restore, ...) for this module again: its CMake
    // target from a build, else juno-helper with helper_arguments().
    std::string command_for(const std::string& action) const;
    // "--config <file>" or "--canister <id>", then the connection flags, each value quoted for a
    // POSIX shell when it needs it.
    std::string helper_arguments() const;
};

// One line of progress (stderr); never read by scripts.
using Progress = std::function<void(const std::string&)>;

struct Context {
    Context(Module m, ic::Agent& a, Progress p)
        : module(std::move(m)), agent(a), management(a), progress(std::move(p)) {}

    Module module;
    ic::Agent& agent;
    ic::management::ManagementCanister management;
    Progress progress;
    // A warning (stderr, in every progress mode): the run goes on, but the user should know.
    void warn(const std::string& text) const;
    // Where this module's journal and records live; unset: the run keeps none (unit tests).
    std::optional<StateFiles> state;
    // This run's journal record: what the module was, and the step in progress.
    JournalRecord run;

    // Records `step` (with whatever `run` now holds) durably, before the step is taken, and
    // tells the signal handler what the module's state is from now on. Throws ic::Error (Usage)
    // when the journal cannot be written: then the step is not taken.
    void enter(Step step);
    // The same for steps that put the module back (starting it again, clearing chunks), which
    // must happen even when the journal cannot be written: a failed write is only a warning.
    void enter_to_repair(Step step);
    // Writes `run` as it now stands (after a step completed), best effort.
    void save();
    // Records a state-changing call about to be sent (an ic::CallObserver): its request id lets a
    // later run ask the IC what became of it.
    void record_call(const std::string& method, const ic::Hash& request_id, std::uint64_t expiry);
    // What a run that ended at this moment would have left: the module's state and what to run.
    std::string state_if_ended_now() const;
};

std::string format_time(std::uint64_t nanoseconds_since_epoch);  // 2026-11-27 03:04:05 UTC
// `word` as one word of a POSIX shell command: as it is when it holds no character a shell
// treats specially, else in single quotes.
std::string shell_word(const std::string& word);

std::string format_size(std::uint64_t bytes);  // 1.5 MB

}  // namespace juno
