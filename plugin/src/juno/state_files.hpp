// Where the helper keeps what must outlive one run of it, per module: the journal of the run in
// progress, the record of the newest backup it took, the record of the latest upgrade and its
// restore point, and the lock that lets one run at a time work on a module.
//
// All of it lives in the user's state folder, keyed by module, not in a build tree: whichever build
// tree, shell or CI job runs the next command on a module must find what the last one left (a
// journal to repair, the backup that already holds the module's state, a restore point to keep).
//
// A module is a canister on a network: the same canister id on two networks (every local replica
// hands out the same first ids) is two modules, so every file is named by both.
#pragma once

#include <filesystem>
#include <string>

#include "ic/principal.hpp"

namespace juno {

struct StateFiles {
    std::filesystem::path folder;  // user_state_folder()
    std::string key;               // "<canister>@<network>", safe as a file name

    std::filesystem::path journal() const { return folder / (key + ".journal.json"); }
    std::filesystem::path backup_record() const { return folder / (key + ".backup.json"); }
    std::filesystem::path upgrade_record() const { return folder / (key + ".upgrade.json"); }
    // transfer/unfinished_uploads.hpp
    std::filesystem::path unfinished_uploads() const { return folder / (key + ".uploads"); }
    std::filesystem::path lock() const { return folder / (key + ".lock"); }
};

// $XDG_STATE_HOME/juno-cmake, else ~/.local/state/juno-cmake, else (no HOME)
// /tmp/juno-cmake-<uid>.
std::filesystem::path user_state_folder();

// "bnz7o-iuaaa-aaaaa-qaaaa-cai@127.0.0.1-4943": the network URL without its scheme, every
// character outside [A-Za-z0-9.-] made '-'.
std::string module_key(const ic::Principal& canister, const std::string& network_url);

StateFiles state_files_for(const ic::Principal& canister, const std::string& network_url);

// Writes `text` to `path` durably: a temporary file beside it, fsync, rename over `path`, fsync of
// the folder; creates the folder. Throws ic::Error (Usage) naming the file.
void write_file_durably(const std::filesystem::path& path, const std::string& text);

}  // namespace juno
