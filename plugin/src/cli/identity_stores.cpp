#include "cli/identity_stores.hpp"

#include <rapidjson/document.h>

#include <fstream>
#include <sstream>

#include "ic/error.hpp"

namespace cli {

namespace fs = std::filesystem;
using ic::ErrorKind;
using ic::fail;

namespace {

std::optional<std::string> variable(const std::function<const char*(const char*)>& getenv,
                                    const char* name) {
    const char* value = getenv(name);
    if (!value || !*value) return std::nullopt;
    return std::string(value);
}

// An export command and what to do with its output: the way out for every identity juno-helper
// cannot read in place.
std::string export_advice(const std::string& tool, const std::string& name) {
    return "Export it to a file only you can read, e.g. `(umask 077 && " + tool +
           " identity export " + name + " > " + name +
           ".pem)`, and give that file as the identity (--identity, JUNO_IDENTITY or IDENTITY).";
}

std::optional<rapidjson::Document> read_json(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::stringstream buffer;
    buffer << in.rdbuf();
    std::string text = buffer.str();
    rapidjson::Document doc;
    doc.Parse(text.c_str(), text.size());
    if (doc.HasParseError() || !doc.IsObject()) {
        fail(ErrorKind::Usage, path.string() +
                                   " is not valid JSON, so identities in it cannot be "
                                   "read; check it with the tool that wrote it");
    }
    return doc;
}

std::string string_member(const rapidjson::Value& object, const char* name) {
    auto it = object.FindMember(name);
    if (it == object.MemberEnd() || !it->value.IsString()) return {};
    return std::string(it->value.GetString(), it->value.GetStringLength());
}

std::optional<ic::Identity> from_icp(const std::string& name, const fs::path& store) {
    if (store.empty()) return std::nullopt;
    const fs::path list_path = store / "identity_list.json";
    std::optional<rapidjson::Document> list_document = read_json(list_path);
    if (!list_document) return std::nullopt;
    const rapidjson::Value& list = *list_document;
    auto identities = list.FindMember("identities");
    if (identities == list.MemberEnd() || !identities->value.IsObject()) return std::nullopt;
    auto entry = identities->value.FindMember(name.c_str());
    if (entry == identities->value.MemberEnd() || !entry->value.IsObject()) return std::nullopt;

    const rapidjson::Value& spec = entry->value;
    const std::string kind = string_member(spec, "kind");
    const std::string what = "icp identity '" + name + "'";
    if (kind == "anonymous") {
        ic::Identity anonymous = ic::Identity::anonymous();
        anonymous.set_origin(what + ", the anonymous principal");
        return anonymous;
    }
    if (kind == "keyring") {
        fail(ErrorKind::Usage, what +
                                   " is kept in the system keyring, which juno-helper does not "
                                   "read (builds run without a desktop session). " +
                                   export_advice("icp", name));
    }
    if (kind != "pem") {
        fail(ErrorKind::Usage,
             what + " is of kind '" + kind +
                 "' (a hardware key, web login or delegation), which juno-helper cannot sign "
                 "with; use a key identity: create one with `icp identity new <name> --storage "
                 "plaintext`, add its principal as a controller, and give its name");
    }
    const fs::path pem = store / "keys" / (name + ".pem");
    if (string_member(spec, "format") != "plaintext") {
        fail(ErrorKind::Usage,
             what + " is password-protected (" + pem.string() +
                 "), and juno-helper never asks for a password (it runs inside builds). " +
                 export_advice("icp", name));
    }
    ic::Identity identity = ic::Identity::from_pem_file(pem);
    // The list records the principal; a key file that disagrees was replaced behind icp's back.
    const std::string recorded = string_member(spec, "principal");
    if (!recorded.empty() && recorded != identity.sender().to_text()) {
        fail(ErrorKind::Usage, what + ": the key in " + pem.string() + " is principal " +
                                   identity.sender().to_text() + ", but " + list_path.string() +
                                   " records " + recorded +
                                   "; check the identity with `icp identity principal --identity " +
                                   name + "`");
    }
    identity.set_origin(what + " (" + pem.string() + ")");
    return identity;
}

std::optional<ic::Identity> from_dfx(const std::string& name, const fs::path& store) {
    if (store.empty()) return std::nullopt;
    const std::string what = "dfx identity '" + name + "'";
    if (name == "anonymous") {
        // dfx's built-in identity, which has no folder.
        ic::Identity anonymous = ic::Identity::anonymous();
        anonymous.set_origin(what + ", the anonymous principal");
        return anonymous;
    }
    const fs::path folder = store / name;
    std::error_code ec;
    if (!fs::is_directory(folder, ec)) return std::nullopt;
    if (std::optional<rapidjson::Document> document = read_json(folder / "identity.json")) {
        const rapidjson::Value& config = *document;
        auto present = [&](const char* key) {
            auto it = config.FindMember(key);
            return it != config.MemberEnd() && !it->value.IsNull();
        };
        if (present("keyring_identity_suffix")) {
            fail(ErrorKind::Usage, what +
                                       " is kept in the system keyring, which juno-helper does "
                                       "not read (builds run without a desktop session). " +
                                       export_advice("dfx", name));
        }
        if (present("hsm")) {
            fail(ErrorKind::Usage,
                 what +
                     " is a hardware key (HSM), which juno-helper cannot sign with; use a "
                     "key identity and add its principal as a controller");
        }
        if (present("encryption")) {
            fail(ErrorKind::Usage, what +
                                       " is password-protected, and juno-helper never asks for "
                                       "a password (it runs inside builds). " +
                                       export_advice("dfx", name));
        }
    }
    const fs::path pem = folder / "identity.pem";
    if (!fs::exists(pem, ec)) {
        if (fs::exists(folder / "identity.pem.encrypted", ec)) {
            fail(ErrorKind::Usage, what +
                                       " is password-protected, and juno-helper never asks for "
                                       "a password (it runs inside builds). " +
                                       export_advice("dfx", name));
        }
        fail(ErrorKind::Usage, what + " has a folder (" + folder.string() +
                                   ") but no identity.pem in it; check it with `dfx identity "
                                   "list` or give a PEM file");
    }
    ic::Identity identity = ic::Identity::from_pem_file(pem);
    identity.set_origin(what + " (" + pem.string() + ")");
    return identity;
}

}  // namespace

IdentityStores IdentityStores::from_environment(
    const std::function<const char*(const char*)>& getenv) {
    IdentityStores stores;
    const std::optional<std::string> home = variable(getenv, "HOME");
    if (auto icp_home = variable(getenv, "ICP_HOME")) {
        stores.icp = fs::path(*icp_home) / "identity";
    } else {
#ifdef __APPLE__
        if (home) {
            stores.icp = fs::path(*home) / "Library" / "Application Support" /
                         "org.dfinity.icp-cli" / "identity";
        }
#else
        // The `directories` crate icp uses: XDG_DATA_HOME when absolute, else ~/.local/share.
        std::optional<std::string> data = variable(getenv, "XDG_DATA_HOME");
        if (data && fs::path(*data).is_absolute()) {
            stores.icp = fs::path(*data) / "icp-cli" / "identity";
        } else if (home) {
            stores.icp = fs::path(*home) / ".local" / "share" / "icp-cli" / "identity";
        }
#endif
    }
    std::optional<std::string> dfx_root = variable(getenv, "DFX_CONFIG_ROOT");
    if (!dfx_root) dfx_root = home;
    if (dfx_root) stores.dfx = fs::path(*dfx_root) / ".config" / "dfx" / "identity";
    return stores;
}

bool is_identity_name(const std::string& value) {
    if (value.empty() || value.find('/') != std::string::npos || value.starts_with('.') ||
        value.ends_with(".pem")) {
        return false;
    }
    std::error_code ec;
    return !fs::exists(fs::path(value), ec);
}

std::optional<ic::Identity> find_named_identity(const std::string& name,
                                                const IdentityStores& stores) {
    if (auto identity = from_icp(name, stores.icp)) return identity;
    return from_dfx(name, stores.dfx);
}

}  // namespace cli
