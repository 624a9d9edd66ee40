// Named identities: a bare name given as the identity (`--identity ci`, JUNO_IDENTITY=ci) is looked
// up in the plaintext identity stores of DFINITY's `icp` and of dfx, where they keep them.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "ic/identity.hpp"

namespace cli {

struct IdentityStores {
    // icp: <ICP_HOME>/identity, else <data dir>/icp-cli/identity (Linux: $XDG_DATA_HOME or
    // ~/.local/share; macOS: ~/Library/Application Support/org.dfinity.icp-cli), holding
    // identity_list.json and keys/<name>.pem.
    std::filesystem::path icp;
    // dfx: <DFX_CONFIG_ROOT or HOME>/.config/dfx/identity, holding <name>/identity.pem.
    std::filesystem::path dfx;

    // Both paths as icp and dfx compute them from `getenv` (the process environment by
    // default); a store whose base cannot be found (no HOME) is left empty.
    static IdentityStores from_environment(const std::function<const char*(const char*)>& getenv =
                                               [](const char* name) { return std::getenv(name); });
};

// Whether `value` (an identity as the user gave it) is to be read as a name: it has no folder in
// it and no file of that name exists.
bool is_identity_name(const std::string& value);

// The identity `name` from icp's store, else dfx's; nullopt when neither holds it. An identity
// juno-helper cannot sign with (in the OS keyring, password-protected, a hardware key, a web or
// delegated identity) throws ic::Error (Usage) saying how to export it to a PEM file; so does a
// key file that disagrees with its store's record. The identity's origin names store and file.
std::optional<ic::Identity> find_named_identity(const std::string& name,
                                                const IdentityStores& stores);

}  // namespace cli
