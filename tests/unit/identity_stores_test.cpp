// Named identities in fake icp and dfx stores laid out as the tools write them (icp 1.5.0:
// <ICP_HOME>/identity/identity_list.json and keys/<name>.pem, checked against a real store made
// with `icp identity new/import --storage plaintext|password`; dfx: <HOME>/.config/dfx/identity/
// <name>/identity.pem and identity.json, as dfx-core's identity_manager.rs writes them).
#include "cli/identity_stores.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <optional>
#include <string>

#include "cli/options.hpp"
#include "ic/error.hpp"

namespace {

namespace fs = std::filesystem;

const fs::path data_dir = JUNO_TEST_DATA_DIR;
constexpr const char* icp_ed25519_principal =
    "ejoln-ycdwx-dcfdj-v3r2x-52y3f-tnptj-5z5g2-w7edt-t23n7-mwqmw-jae";
constexpr const char* icp_prime256v1_principal =
    "nliq2-jc2vn-h7vg6-storr-q2fbq-4bugr-7pqvu-xmjr2-s7m45-654sp-wae";
constexpr const char* dfx_secp256k1_principal =
    "qlm5x-4n3pu-qne57-e67qi-dquxs-xzbii-s6y6m-bgdew-qin7r-tgz4s-mae";

void write(const fs::path& path, const std::string& text) {
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
}

std::string usage_error(const std::function<void()>& f) {
    try {
        f();
    } catch (const ic::Error& e) {
        EXPECT_EQ(e.kind(), ic::ErrorKind::Usage) << e.what();
        return e.what();
    }
    ADD_FAILURE() << "no ic::Error";
    return "";
}

void expect_contains(const std::string& text, const std::string& part) {
    EXPECT_NE(text.find(part), std::string::npos) << "'" << part << "' not in: " << text;
}

// A HOME with an icp store (ICP_HOME=<home>/icp) and a dfx store, filled per test.
class Stores : public testing::Test {
protected:
    void SetUp() override {
        char tmpl[] = "/tmp/juno_identity_stores_XXXXXX";
        ASSERT_NE(mkdtemp(tmpl), nullptr);
        home = tmpl;
        stores.icp = home / "icp" / "identity";
        stores.dfx = home / ".config" / "dfx" / "identity";
    }
    void TearDown() override { fs::remove_all(home); }

    // identity_list.json with the given entries (name -> JSON object text).
    void icp_list(const std::map<std::string, std::string>& entries) {
        std::string json =
            "{\n  \"v\": 1,\n  \"identities\": {\n    \"anonymous\": {\"kind\": "
            "\"anonymous\"}";
        for (const auto& [name, spec] : entries) json += ",\n    \"" + name + "\": " + spec;
        write(stores.icp / "identity_list.json", json + "\n  }\n}");
    }
    void icp_key(const std::string& name, const std::string& fixture) {
        fs::create_directories(stores.icp / "keys");
        fs::copy_file(data_dir / fixture, stores.icp / "keys" / (name + ".pem"));
    }
    static std::string pem_spec(const char* format, const char* algorithm, const char* principal) {
        return std::string("{\"kind\": \"pem\", \"format\": \"") + format +
               "\", \"algorithm\": \"" + algorithm + "\", \"principal\": \"" + principal + "\"}";
    }

    fs::path home;
    cli::IdentityStores stores;
};

TEST(IdentityStoresLocation, FollowsIcpAndDfxEnvironment) {
    auto from = [](std::map<std::string, std::string> env) {
        return cli::IdentityStores::from_environment([env](const char* name) -> const char* {
            auto it = env.find(name);
            return it == env.end() ? nullptr : it->second.c_str();
        });
    };
    auto plain = from({{"HOME", "/home/u"}});
    EXPECT_EQ(plain.icp, fs::path("/home/u/.local/share/icp-cli/identity"));
    EXPECT_EQ(plain.dfx, fs::path("/home/u/.config/dfx/identity"));

    auto xdg = from({{"HOME", "/home/u"}, {"XDG_DATA_HOME", "/data"}});
    EXPECT_EQ(xdg.icp, fs::path("/data/icp-cli/identity"));
    // The directories crate ignores a relative XDG_DATA_HOME, as the XDG spec says.
    EXPECT_EQ(from({{"HOME", "/home/u"}, {"XDG_DATA_HOME", "rel"}}).icp,
              fs::path("/home/u/.local/share/icp-cli/identity"));

    auto overridden = from({{"HOME", "/home/u"},
                            {"XDG_DATA_HOME", "/data"},
                            {"ICP_HOME", "/icp"},
                            {"DFX_CONFIG_ROOT", "/dfxroot"}});
    EXPECT_EQ(overridden.icp, fs::path("/icp/identity"));
    EXPECT_EQ(overridden.dfx, fs::path("/dfxroot/.config/dfx/identity"));

    auto homeless = from({});
    EXPECT_TRUE(homeless.icp.empty());
    EXPECT_TRUE(homeless.dfx.empty());
}

TEST(IdentityStoresNames, BareNamesOnly) {
    EXPECT_TRUE(cli::is_identity_name("ci"));
    EXPECT_TRUE(cli::is_identity_name("my-deployer_2"));
    EXPECT_FALSE(cli::is_identity_name(""));
    EXPECT_FALSE(cli::is_identity_name("keys/ci.pem"));
    EXPECT_FALSE(cli::is_identity_name("./ci"));
    EXPECT_FALSE(cli::is_identity_name(".."));
    EXPECT_FALSE(cli::is_identity_name("missing.pem"));  // a file name, missing: "does not exist"
    // A file of that name in the working folder is a path, as before names existed.
    char tmpl[] = "juno_name_XXXXXX";
    int fd = mkstemp(tmpl);
    ASSERT_GE(fd, 0);
    close(fd);
    EXPECT_FALSE(cli::is_identity_name(tmpl));
    fs::remove(tmpl);
}

TEST_F(Stores, IcpPlaintextIdentitiesOfEveryAlgorithm) {
    icp_key("deployer", "icp_ed25519.pem");
    icp_key("p256", "icp_prime256v1.pem");
    icp_list({{"deployer", pem_spec("plaintext", "ed25519", icp_ed25519_principal)},
              {"p256", pem_spec("plaintext", "prime256v1", icp_prime256v1_principal)}});
    auto deployer = cli::find_named_identity("deployer", stores);
    ASSERT_TRUE(deployer);
    EXPECT_EQ(deployer->sender().to_text(), icp_ed25519_principal);
    EXPECT_EQ(deployer->origin(),
              "icp identity 'deployer' (" + (stores.icp / "keys" / "deployer.pem").string() + ")");
    auto p256 = cli::find_named_identity("p256", stores);
    ASSERT_TRUE(p256);
    EXPECT_EQ(p256->sender().to_text(), icp_prime256v1_principal);
    EXPECT_FALSE(cli::find_named_identity("other", stores));
}

TEST_F(Stores, IcpKeyThatDisagreesWithItsListIsRefused) {
    icp_key("deployer", "icp_ed25519.pem");
    icp_list({{"deployer", pem_spec("plaintext", "ed25519", icp_prime256v1_principal)}});
    std::string message = usage_error([&] { cli::find_named_identity("deployer", stores); });
    expect_contains(message, icp_ed25519_principal);
    expect_contains(message, icp_prime256v1_principal);
    expect_contains(message, "icp identity principal --identity deployer");
}

TEST_F(Stores, IcpKeyringAndPasswordIdentitiesSayHowToExport) {
    icp_list({{"kr", std::string("{\"kind\": \"keyring\", \"principal\": \"") +
                         icp_ed25519_principal + "\", \"algorithm\": \"secp256k1\"}"},
              {"pw", pem_spec("pbes2", "ed25519", icp_ed25519_principal)},
              {"web", std::string("{\"kind\": \"web-auth\", \"principal\": \"") +
                          icp_ed25519_principal + "\"}"}});
    std::string keyring = usage_error([&] { cli::find_named_identity("kr", stores); });
    expect_contains(keyring, "icp identity 'kr' is kept in the system keyring");
    expect_contains(keyring, "icp identity export kr > kr.pem");
    std::string password = usage_error([&] { cli::find_named_identity("pw", stores); });
    expect_contains(password, "icp identity 'pw' is password-protected");
    expect_contains(password, "icp identity export pw > pw.pem");
    expect_contains(usage_error([&] { cli::find_named_identity("web", stores); }),
                    "kind 'web-auth'");
}

TEST_F(Stores, AnonymousIsTheAnonymousPrincipal) {
    icp_list({});
    auto anonymous = cli::find_named_identity("anonymous", stores);
    ASSERT_TRUE(anonymous);
    EXPECT_TRUE(anonymous->is_anonymous());
    expect_contains(anonymous->origin(), "icp identity 'anonymous'");
}

TEST_F(Stores, DfxPlaintextIdentity) {
    fs::create_directories(stores.dfx / "default");
    fs::copy_file(data_dir / "dfx_secp256k1.pem", stores.dfx / "default" / "identity.pem");
    auto plain = cli::find_named_identity("default", stores);
    ASSERT_TRUE(plain);
    EXPECT_EQ(plain->sender().to_text(), dfx_secp256k1_principal);
    EXPECT_EQ(plain->origin(), "dfx identity 'default' (" +
                                   (stores.dfx / "default" / "identity.pem").string() + ")");
    // An identity.json without keyring, HSM or encryption changes nothing.
    write(stores.dfx / "default" / "identity.json", "{\"hsm\": null}");
    EXPECT_EQ(cli::find_named_identity("default", stores)->sender().to_text(),
              dfx_secp256k1_principal);
}

TEST_F(Stores, DfxKeyringEncryptedAndHsmIdentitiesAreExplained) {
    write(stores.dfx / "kr" / "identity.json", "{\"keyring_identity_suffix\": \"kr\"}");
    std::string keyring = usage_error([&] { cli::find_named_identity("kr", stores); });
    expect_contains(keyring, "dfx identity 'kr' is kept in the system keyring");
    expect_contains(keyring, "dfx identity export kr > kr.pem");

    write(stores.dfx / "enc" / "identity.json",
          "{\"encryption\": {\"pw_salt\": \"x\", \"file_nonce\": [1, 2]}}");
    write(stores.dfx / "enc" / "identity.pem.encrypted", "not pem");
    std::string encrypted = usage_error([&] { cli::find_named_identity("enc", stores); });
    expect_contains(encrypted, "dfx identity 'enc' is password-protected");
    expect_contains(encrypted, "dfx identity export enc > enc.pem");

    write(stores.dfx / "enc2" / "identity.pem.encrypted", "not pem");
    expect_contains(usage_error([&] { cli::find_named_identity("enc2", stores); }),
                    "password-protected");

    write(stores.dfx / "hw" / "identity.json", "{\"hsm\": {\"pkcs11_lib_path\": \"x\"}}");
    expect_contains(usage_error([&] { cli::find_named_identity("hw", stores); }), "HSM");

    fs::create_directories(stores.dfx / "empty");
    expect_contains(usage_error([&] { cli::find_named_identity("empty", stores); }),
                    "no identity.pem");
}

TEST_F(Stores, IcpIsAskedBeforeDfx) {
    icp_key("both", "icp_ed25519.pem");
    icp_list({{"both", pem_spec("plaintext", "ed25519", icp_ed25519_principal)}});
    fs::create_directories(stores.dfx / "both");
    fs::copy_file(data_dir / "dfx_secp256k1.pem", stores.dfx / "both" / "identity.pem");
    EXPECT_EQ(cli::find_named_identity("both", stores)->sender().to_text(), icp_ed25519_principal);
    fs::remove(stores.icp / "identity_list.json");
    EXPECT_EQ(cli::find_named_identity("both", stores)->sender().to_text(),
              dfx_secp256k1_principal);
}

TEST_F(Stores, BrokenIcpListIsNamed) {
    write(stores.icp / "identity_list.json", "{ not json");
    expect_contains(usage_error([&] { cli::find_named_identity("x", stores); }),
                    (stores.icp / "identity_list.json").string());
}

// load_identity as commands use it: names through the real environment, files as before.
TEST_F(Stores, LoadIdentityResolvesNamesFromTheEnvironment) {
    icp_key("deployer", "icp_ed25519.pem");
    icp_list({{"deployer", pem_spec("plaintext", "ed25519", icp_ed25519_principal)}});
    const char* old_icp_home = std::getenv("ICP_HOME");
    std::string saved = old_icp_home ? old_icp_home : "";
    setenv("ICP_HOME", (home / "icp").c_str(), 1);
    cli::Connection connection;
    connection.identity = "deployer";
    EXPECT_EQ(cli::load_identity(connection).sender().to_text(), icp_ed25519_principal);
    connection.identity = "nobody";
    std::string missing = usage_error([&] { cli::load_identity(connection); });
    expect_contains(missing, "'nobody' is neither a file nor a named identity");
    expect_contains(missing, stores.icp.string());
    connection.identity = data_dir / "icp_prime256v1.pem";
    EXPECT_EQ(cli::load_identity(connection).sender().to_text(), icp_prime256v1_principal);
    if (old_icp_home) {
        setenv("ICP_HOME", saved.c_str(), 1);
    } else {
        unsetenv("ICP_HOME");
    }
}

// Restores an environment variable when the test ends.
class ScopedVariable {
public:
    ScopedVariable(const char* name, const char* value) : name_(name) {
        if (const char* old = std::getenv(name)) old_ = old;
        if (value) {
            setenv(name, value, 1);
        } else {
            unsetenv(name);
        }
    }
    ~ScopedVariable() {
        if (old_) {
            setenv(name_, old_->c_str(), 1);
        } else {
            unsetenv(name_);
        }
    }

private:
    const char* name_;
    std::optional<std::string> old_;
};

TEST(LoadIdentity, UsesJunoTokenOnlyWhenNoIdentityIsGiven) {
    // The token of juno_token_test.cpp, made by @icp-sdk/core.
    const char* token =
        "eyJ0b2tlbiI6WyIzMDJhMzAwNTA2MDMyYjY1NzAwMzIxMDA4NWFlNzA2ZTNhNDU4N2ZkZmVkZDkzNzIyZjllZmJm"
        "NzNhMjNhZDQxYmJkYjFlNDIwM2VmYzY5OWQxZThjMzg3IiwiNTE0NTZjYTFiMWRmZmZlNzZjMGU5ZGZlYTBjYTVm"
        "MTU3Yzk3YTNhNjI2YTY2ODA1MDM4NzU5NGFmMzMzY2UzZiJdfQ==";
    cli::Connection connection;
    {
        ScopedVariable unset("JUNO_TOKEN", nullptr);
        EXPECT_TRUE(cli::load_identity(connection).is_anonymous());
    }
    ScopedVariable set("JUNO_TOKEN", token);
    ic::Identity from_token = cli::load_identity(connection);
    EXPECT_EQ(from_token.sender().to_text(),
              "jdyzf-4mpkt-6hnu4-di5qn-4ww7u-ahjf4-ts2h5-sg5so-qs6ox-ojipw-dqe");
    EXPECT_EQ(from_token.origin(), "JUNO_TOKEN");
    connection.identity = data_dir / "icp_prime256v1.pem";
    EXPECT_EQ(cli::load_identity(connection).sender().to_text(), icp_prime256v1_principal);
}

TEST(LoadIdentity, RefusesKeyTextAndTokensWithoutEchoingThem) {
    ScopedVariable no_icp("ICP_HOME", "/nonexistent/juno-test");
    // A token pasted as the identity, with and without '/' in its base64.
    for (std::string pasted :
         {std::string("eyJ0b2tlbiI6WyIzMDJhMzAwNTA2MDMyYjY1NzAwMzIxMDA4NWFlNzA2ZTNhNDU4N2Zk/ZmVk"),
          std::string("eyJ0b2tlbiI6WyIzMDJhMzAwNTA2MDMyYjY1NzAwMzIxMDA4NWFlNzA2ZTNhNDU4N2ZkZmVk"),
          std::string("MC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g")}) {
        cli::Connection connection;
        connection.identity = pasted;
        std::string message = usage_error([&] { cli::load_identity(connection); });
        expect_contains(message, "looks like the key itself");
        EXPECT_EQ(message.find(pasted.substr(0, 12)), std::string::npos) << message;
    }
    // Paths keep working, and a missing one is named.
    EXPECT_FALSE(cli::looks_like_key_material("/home/someone/keys/deployer_identity_for_ci"));
    EXPECT_FALSE(cli::looks_like_key_material("keys/deployer.identity.for.the.ci.pipeline"));
}

}  // namespace
