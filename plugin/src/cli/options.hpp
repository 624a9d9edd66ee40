// Command-line flags and the per-module JSON config that CMake generates; flags win.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ic/agent.hpp"
#include "ic/principal.hpp"

namespace cli {

struct FlagSpec {
    const char* name;  // without the leading "--"
    bool takes_value;
    const char* value_name;  // for --help
    const char* help;
};

// The flags every command that talks to a network accepts.
const std::vector<FlagSpec>& connection_flags();

struct ParsedFlags {
    std::map<std::string, std::string> values;  // flag -> value ("" for switches)
    bool has(const std::string& flag) const { return values.count(flag) != 0; }
    std::optional<std::string> get(const std::string& flag) const;
};

// Throws ic::Error (Usage) for unknown flags, missing values and stray arguments.
ParsedFlags parse_flags(const std::vector<std::string>& args, const std::vector<FlagSpec>& specs);

// The module config written by juno_add_module (JSON). Throws ic::Error (Usage) naming the
// file and the field on any problem.
struct ModuleConfig {
    std::filesystem::path path;
    std::string name;
    std::string kind;
    std::optional<std::string> canister_id;
    std::optional<std::string> network;
    std::optional<std::string> identity;
    std::optional<std::string> root_key;
    std::optional<std::string> wasm;
    std::optional<std::string> install_arg_file;
    std::optional<std::string> build_dir;
    // The configuration of a multi-config generator's build (Debug, Release, ...); empty else.
    std::optional<std::string> build_config;
    std::optional<unsigned> backup_keep;
    std::optional<bool> backup_overwrite;
    std::optional<bool> backup_before_upgrade;
};
ModuleConfig read_module_config(const std::filesystem::path& path);

// Everything needed to reach a module: from --config, then overridden by flags.
struct Connection {
    std::optional<ic::Principal> canister;
    std::string network = "ic";  // as the user wrote it
    std::string url;             // resolved scheme://host[:port]
    std::string root_key = "";   // "ic", "fetch", hex, or "" for the default
    std::optional<std::filesystem::path> identity;
    std::chrono::seconds timeout{300};
    // How long to wait for another run on the same module to finish (--wait).
    std::chrono::milliseconds lock_wait{std::chrono::seconds(60)};
    std::string module_name;  // from the config, for messages
    std::optional<ModuleConfig> config;
};

Connection resolve_connection(const ParsedFlags& flags);
std::string resolve_network_url(const std::string& network);

// Builds the agent options (root key policy included) for a connection.
ic::AgentOptions agent_options(const Connection& connection,
                               std::function<void(const std::string&)> on_notice);
// The identity the connection names: a PEM file, or a bare name from icp's or dfx's store
// (identity_stores.hpp); when none is named, JUNO_TOKEN from the environment (juno_token.hpp),
// else the anonymous identity. A value that looks like key material rather than a file name is
// refused without being echoed (looks_like_key_material).
ic::Identity load_identity(const Connection& connection);
bool looks_like_key_material(const std::string& value);

}  // namespace cli
