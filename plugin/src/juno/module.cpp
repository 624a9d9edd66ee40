#include "juno/module.hpp"

#include <ctime>
#include <iomanip>
#include <sstream>

#include "ic/error.hpp"
#include "juno/console.hpp"
#include "juno/interrupt.hpp"

namespace juno {

void Context::warn(const std::string& text) const { console().warning(text); }

void Context::enter(Step step) {
    JournalRecord before = run;
    run.step = step;
    if (step == Step::Stop) run.stopped_by_helper = true;
    if (step == Step::UploadChunks) run.chunks_uploaded = true;
    try {
        if (state) Journal(state->journal()).write(run);
    } catch (const ic::Error&) {
        run = before;  // the step is not taken
        throw;
    }
    interrupt::set_exit_notice(state_if_ended_now());
}

void Context::enter_to_repair(Step step) {
    try {
        enter(step);
    } catch (const ic::Error& error) {
        run.step = step;
        interrupt::set_exit_notice(state_if_ended_now());
        warn(std::string(error.what()) + "; going on without the journal");
    }
}

void Context::save() {
    try {
        if (state) Journal(state->journal()).write(run);
    } catch (const ic::Error& error) {
        warn(error.what());
    }
    interrupt::set_exit_notice(state_if_ended_now());
}

void Context::record_call(const std::string& method, const ic::Hash& request_id,
                          std::uint64_t expiry) {
    // Reads change nothing, and the chunk uploads (forked agents) are cleared as a whole.
    static const char* const changing[] = {"stop_canister",          "start_canister",
                                           "take_canister_snapshot", "load_canister_snapshot",
                                           "install_code",           "install_chunked_code",
                                           "clear_chunk_store",      "delete_canister_snapshot"};
    bool changes = false;
    for (const char* name : changing) changes = changes || method == name;
    // Before its first step a run has changed nothing (a repair of an earlier run's journal makes
    // calls then, and must not overwrite that journal).
    if (!changes || run.step == Step::Begin) return;
    run.request_method = method;
    run.request_id = request_id;
    run.request_expiry = expiry;
    if (method == "start_canister" || method == "clear_chunk_store") {
        save();  // putting the module back must not wait on the journal
    } else if (state) {
        Journal(state->journal()).write(run);
    }
}

std::string Context::state_if_ended_now() const {
    std::string repair =
        " The next juno-helper command on it puts it back, e.g.: " + module.command_for("start");
    std::string in_flight;
    switch (run.step) {
        case Step::TakeSnapshot:
        case Step::LoadSnapshot:
        case Step::Install:
        case Step::DeleteSnapshot:
            in_flight = " Its '" + std::string(to_string(run.step)) +
                        "' call may or may not have happened; the next juno-helper command on "
                        "the module tells which.";
            break;
        default:
            break;
    }
    if (run.stopped_by_helper && run.found.status == CanisterRunState::Running) {
        return module.label() +
               " may be STOPPED: this run had stopped it (step: " + to_string(run.step) + ")." +
               in_flight + repair;
    }
    if (run.chunks_uploaded) {
        return module.label() + " is as the run found it; its chunk store holds chunks this run " +
               "uploaded." + in_flight + repair;
    }
    if (!in_flight.empty()) return module.label() + " is as the run found it." + in_flight;
    return module.label() + " was not changed by this run.";
}

std::string Module::label() const {
    if (name.empty()) return "canister " + canister.to_text();
    return "module " + name + " (" + canister.to_text() + ")";
}

std::string Module::command_for(const std::string& action) const {
    // From a build, every action is told as its CMake target (juno_add_module makes one for each),
    // with the configuration a multi-config build needs.
    // With the network or identity chosen on the command line, the target would not reach the
    // same module as the same identity: then juno-helper with those flags.
    if (!name.empty() && !build_dir.empty() && connection_flags.empty()) {
        std::string target = "juno_" + action + "_" + name;
        if (action == "list") target = "juno_backup_list_" + name;
        if (action == "delete") target = "juno_backup_delete_" + name;
        return "cmake --build " + build_dir + " --target " + target +
               (build_config.empty() ? "" : " --config " + build_config);
    }
    return "juno-helper " + action + " " + helper_arguments();
}

std::string shell_word(const std::string& word) {
    const bool plain =
        !word.empty() && word.find_first_not_of(
                             "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghij"
                             "klmnopqrstuvwxyz0123456789_./:@%+=,-") == std::string::npos;
    if (plain) return word;
    std::string quoted = "'";
    for (char c : word) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return quoted + "'";
}

std::string Module::helper_arguments() const {
    std::string out = config_path.empty() ? "--canister " + canister.to_text()
                                          : "--config " + shell_word(config_path);
    for (const auto& [flag, value] : connection_flags) out += " " + flag + " " + shell_word(value);
    return out;
}

std::string format_time(std::uint64_t nanoseconds_since_epoch) {
    std::time_t seconds = static_cast<std::time_t>(nanoseconds_since_epoch / 1'000'000'000ULL);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    std::ostringstream out;
    out << std::put_time(&utc, "%Y-%m-%d %H:%M:%S UTC");
    return out.str();
}

std::string format_size(std::uint64_t bytes) {
    std::ostringstream out;
    if (bytes < 1000) {
        out << bytes << " B";
    } else {
        static const char* units[] = {"kB", "MB", "GB", "TB"};
        double value = static_cast<double>(bytes) / 1000.0;
        int unit = 0;
        while (value >= 1000.0 && unit < 3) {
            value /= 1000.0;
            ++unit;
        }
        out << std::fixed << std::setprecision(value < 10 ? 2 : 1) << value << ' ' << units[unit];
    }
    return out.str();
}

}  // namespace juno
