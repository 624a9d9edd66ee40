#include "cli/options.hpp"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <charconv>
#include <cstdlib>
#include <fstream>
#include <initializer_list>
#include <sstream>

#include "cli/identity_stores.hpp"
#include "cli/juno_token.hpp"
#include "ic/error.hpp"
#include "ic/root_key.hpp"
#include "ic/transport.hpp"

namespace cli {

using ic::ErrorKind;
using ic::fail;

const std::vector<FlagSpec>& connection_flags() {
    static const std::vector<FlagSpec> flags = {
        {"config", true, "<module.json>", "module config written by juno_add_module"},
        {"canister", true, "<principal>", "the module's canister id"},
        {"network", true, "<ic|local|url>", "ic (default), local (http://127.0.0.1:5987) or a URL"},
        {"root-key", true, "<ic|fetch|hex>",
         "key that certifies replies: ic (mainnet), fetch (ask the replica; default on "
         "loopback), or the key in hex"},
        {"identity", true, "<pem|name>",
         "a controller's PEM file (Ed25519, secp256k1 or P-256), or the name of an icp or dfx "
         "identity (default: JUNO_TOKEN if set, else anonymous)"},
        {"timeout", true, "<seconds>", "how long to wait for one call's outcome (default 300)"},
        {"wait", true, "<seconds>",
         "how long to wait for another run on the same module to finish (default 60)"},
        {"json", false, "", "print machine-readable JSON on stdout"},
        {"quiet", false, "",
         "no progress and no notices on stderr, only warnings and errors (or JUNO_PROGRESS=none)"},
    };
    return flags;
}

std::optional<std::string> ParsedFlags::get(const std::string& flag) const {
    auto it = values.find(flag);
    if (it == values.end()) return std::nullopt;
    return it->second;
}

ParsedFlags parse_flags(const std::vector<std::string>& args, const std::vector<FlagSpec>& specs) {
    ParsedFlags out;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (!arg.starts_with("--")) fail(ErrorKind::Usage, "unexpected argument '" + arg + "'");
        std::string name = arg.substr(2);
        std::optional<std::string> inline_value;
        if (auto eq = name.find('='); eq != std::string::npos) {
            inline_value = name.substr(eq + 1);
            name = name.substr(0, eq);
        }
        const FlagSpec* spec = nullptr;
        for (const auto& s : specs) {
            if (name == s.name) spec = &s;
        }
        if (!spec) fail(ErrorKind::Usage, "unknown flag '--" + name + "' (see --help)");
        if (spec->takes_value) {
            if (inline_value) {
                out.values[name] = *inline_value;
            } else {
                if (i + 1 >= args.size()) {
                    fail(ErrorKind::Usage,
                         "flag '--" + name + "' needs a value " + spec->value_name);
                }
                out.values[name] = args[++i];
            }
        } else {
            if (inline_value) fail(ErrorKind::Usage, "flag '--" + name + "' takes no value");
            out.values[name] = "";
        }
    }
    return out;
}

namespace {

[[noreturn]] void config_error(const std::filesystem::path& path, const std::string& why) {
    fail(ErrorKind::Usage, "module config " + path.string() + ": " + why);
}

std::optional<std::string> string_field(const rapidjson::Value& doc, const char* name,
                                        const std::filesystem::path& path) {
    auto it = doc.FindMember(name);
    if (it == doc.MemberEnd() || it->value.IsNull()) return std::nullopt;
    if (!it->value.IsString()) config_error(path, std::string("'") + name + "' must be a string");
    std::string value(it->value.GetString(), it->value.GetStringLength());
    if (value.empty()) return std::nullopt;
    return value;
}

// Refuses keys outside `known`, naming them: a misspelt key ("kep") must not silently fall back
// to a default that replaces a backup.
void refuse_unknown_keys(const rapidjson::Value& object, std::initializer_list<const char*> known,
                         const std::string& where, const std::filesystem::path& path) {
    std::string unknown;
    for (auto it = object.MemberBegin(); it != object.MemberEnd(); ++it) {
        std::string key(it->name.GetString(), it->name.GetStringLength());
        bool found = false;
        for (const char* k : known) found = found || key == k;
        if (!found) unknown += (unknown.empty() ? "'" : ", '") + key + "'";
    }
    if (unknown.empty()) return;
    std::string names;
    for (const char* k : known) names += (names.empty() ? "" : ", ") + std::string(k);
    config_error(path, "unknown key(s) " + unknown + where + "; the known ones are: " + names +
                           ". Nothing was done.");
}

}  // namespace

ModuleConfig read_module_config(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) config_error(path, "cannot be read; was the project configured with CMake?");
    std::stringstream buffer;
    buffer << in.rdbuf();
    std::string text = buffer.str();
    rapidjson::Document doc;
    doc.Parse(text.c_str(), text.size());
    if (doc.HasParseError()) {
        config_error(path, std::string("invalid JSON at offset ") +
                               std::to_string(doc.GetErrorOffset()) + ": " +
                               rapidjson::GetParseError_En(doc.GetParseError()));
    }
    if (!doc.IsObject()) config_error(path, "must hold a JSON object");
    refuse_unknown_keys(doc,
                        {"name", "kind", "canister_id", "network", "identity", "root_key", "wasm",
                         "install_arg_file", "build_dir", "build_config", "backup"},
                        "", path);
    ModuleConfig config;
    config.path = path;
    config.name = string_field(doc, "name", path).value_or("");
    config.kind = string_field(doc, "kind", path).value_or("canister");
    config.canister_id = string_field(doc, "canister_id", path);
    config.network = string_field(doc, "network", path);
    config.identity = string_field(doc, "identity", path);
    config.root_key = string_field(doc, "root_key", path);
    config.wasm = string_field(doc, "wasm", path);
    config.install_arg_file = string_field(doc, "install_arg_file", path);
    config.build_dir = string_field(doc, "build_dir", path);
    config.build_config = string_field(doc, "build_config", path);
    if (auto it = doc.FindMember("backup"); it != doc.MemberEnd()) {
        if (!it->value.IsObject()) config_error(path, "'backup' must be an object");
        const auto& backup = it->value;
        refuse_unknown_keys(backup, {"keep", "overwrite", "before_upgrade"}, " in 'backup'", path);
        if (auto keep = backup.FindMember("keep"); keep != backup.MemberEnd()) {
            if (!keep->value.IsUint() || keep->value.GetUint() < 1 || keep->value.GetUint() > 10) {
                config_error(path, "'backup.keep' must be a whole number from 1 to 10");
            }
            config.backup_keep = keep->value.GetUint();
        }
        if (auto overwrite = backup.FindMember("overwrite"); overwrite != backup.MemberEnd()) {
            if (!overwrite->value.IsBool())
                config_error(path, "'backup.overwrite' must be true or false");
            config.backup_overwrite = overwrite->value.GetBool();
        }
        if (auto before = backup.FindMember("before_upgrade"); before != backup.MemberEnd()) {
            if (!before->value.IsBool()) {
                config_error(path, "'backup.before_upgrade' must be true or false");
            }
            config.backup_before_upgrade = before->value.GetBool();
        }
    }
    return config;
}

std::string resolve_network_url(const std::string& network) {
    if (network == "ic") return "https://icp-api.io";
    if (network == "local") return "http://127.0.0.1:5987";
    if (network.find("://") == std::string::npos) {
        fail(ErrorKind::Usage,
             "network '" + network + "' is not ic, local or a URL such as http://127.0.0.1:4943");
    }
    return network;
}

Connection resolve_connection(const ParsedFlags& flags) {
    Connection connection;
    std::optional<std::string> canister;
    if (auto config_path = flags.get("config")) {
        ModuleConfig config = read_module_config(*config_path);
        connection.module_name = config.name;
        canister = config.canister_id;
        if (config.network) connection.network = *config.network;
        if (config.root_key) connection.root_key = *config.root_key;
        if (config.identity) connection.identity = *config.identity;
        connection.config = std::move(config);
    }
    if (auto v = flags.get("canister")) canister = *v;
    if (auto v = flags.get("network")) connection.network = *v;
    if (auto v = flags.get("root-key")) connection.root_key = *v;
    if (auto v = flags.get("identity")) connection.identity = *v;
    if (auto v = flags.get("timeout")) {
        unsigned seconds = 0;
        auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), seconds);
        if (ec != std::errc() || end != v->data() + v->size() || seconds == 0 || seconds > 3600) {
            fail(ErrorKind::Usage,
                 "--timeout must be a number of seconds from 1 to 3600, got '" + *v + "'");
        }
        connection.timeout = std::chrono::seconds(seconds);
    }
    if (auto v = flags.get("wait")) {
        unsigned seconds = 0;
        auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), seconds);
        if (ec != std::errc() || end != v->data() + v->size() || seconds > 3600) {
            fail(ErrorKind::Usage,
                 "--wait must be a number of seconds from 0 to 3600, got '" + *v + "'");
        }
        connection.lock_wait = std::chrono::seconds(seconds);
    }
    if (canister) connection.canister = ic::Principal::from_text(*canister);
    connection.url = resolve_network_url(connection.network);
    return connection;
}

bool looks_like_key_material(const std::string& value) {
    if (value.find("-----") != std::string::npos) return true;  // PEM armour
    if (value.find_first_of("\r\n") != std::string::npos) return true;
    if (value.size() < 40 || value.find('.') != std::string::npos) return false;
    // A bare base64 or hex key (no folder in it): a path to a key has a '/' or a '.'.
    if (value.find('/') == std::string::npos) return true;
    // Base64 with '/' in it, such as a JUNO_TOKEN ("eyJ...", base64 of JSON) pasted as the
    // identity: only base64 characters, and not an absolute path.
    const bool base64_only =
        value.find_first_not_of(
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=") ==
        std::string::npos;
    return base64_only && !value.starts_with('/');
}

ic::Identity load_identity(const Connection& connection) {
    if (!connection.identity) {
        // Juno's CLI signs with its CI token when one is set; so does the helper, read here from
        // the environment so that the key never passes through CMake or a command line.
        if (const char* token = std::getenv("JUNO_TOKEN")) return identity_from_juno_token(token);
        return ic::Identity::anonymous();
    }
    std::string value = connection.identity->string();
    if (is_identity_name(value)) {
        if (auto named = find_named_identity(value, IdentityStores::from_environment())) {
            return *named;
        }
    }
    if (looks_like_key_material(value) && !std::filesystem::exists(*connection.identity)) {
        // Never echo it: a key pasted where its file name belongs must not reach a log.
        fail(ErrorKind::Usage,
             "the identity given (--identity, JUNO_IDENTITY or the module config) is not a file "
             "name: it looks like the key itself, so it is not shown. Pass the path of the PEM "
             "file or an icp/dfx identity's name instead, e.g. --identity "
             "~/.config/dfx/identity/default/identity.pem (Juno's CI token goes in the JUNO_TOKEN "
             "environment variable, never here)");
    }
    if (is_identity_name(value)) {
        const IdentityStores stores = IdentityStores::from_environment();
        fail(ErrorKind::Usage,
             "the identity '" + value + "' is neither a file nor a named identity: icp's store (" +
                 (stores.icp.empty() ? std::string("not found") : stores.icp.string()) +
                 ") and dfx's (" +
                 (stores.dfx.empty() ? std::string("not found") : stores.dfx.string()) +
                 ") do not hold it. Give a PEM file's path, or a name that `icp identity list` "
                 "or `dfx identity list` shows");
    }
    return ic::Identity::from_pem_file(*connection.identity);
}

ic::AgentOptions agent_options(const Connection& connection,
                               std::function<void(const std::string&)> on_notice) {
    ic::AgentOptions options;
    options.url = connection.url;
    options.max_polling_time = connection.timeout;
    options.on_notice = std::move(on_notice);
    // Construct a transport only to validate the URL and learn whether it is loopback.
    ic::Transport probe(connection.url);
    std::string policy = connection.root_key;
    if (policy.empty()) policy = probe.is_loopback() ? "fetch" : "ic";
    if (policy == "fetch") {
        options.root_key.kind = ic::RootKeySource::Kind::Fetch;
        if (!probe.is_loopback() && options.on_notice) {
            options.on_notice("trusting the root key that " + connection.url +
                              " sends; do this only for a test network you run yourself");
        }
    } else if (policy == "ic") {
        options.root_key.kind = ic::RootKeySource::Kind::Mainnet;
    } else {
        options.root_key.kind = ic::RootKeySource::Kind::Given;
        options.root_key.der = ic::parse_root_key(policy);
    }
    return options;
}

}  // namespace cli
