#include "cli/options.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "ic/error.hpp"

namespace {

std::filesystem::path write_temp(const std::string& name, const std::string& text) {
    auto path = std::filesystem::temp_directory_path() / ("juno_options_test_" + name);
    std::ofstream(path) << text;
    return path;
}

std::string usage_error(const std::function<void()>& f) {
    try {
        f();
    } catch (const ic::Error& e) {
        EXPECT_EQ(e.kind(), ic::ErrorKind::Usage);
        return e.what();
    }
    ADD_FAILURE() << "no ic::Error";
    return "";
}

TEST(Flags, ParsesValuesSwitchesAndEqualsForm) {
    auto flags = cli::parse_flags({"--canister", "aaaaa-aa", "--json", "--network=local"},
                                  cli::connection_flags());
    EXPECT_EQ(flags.get("canister"), "aaaaa-aa");
    EXPECT_TRUE(flags.has("json"));
    EXPECT_EQ(flags.get("network"), "local");
    EXPECT_FALSE(flags.has("identity"));
}

TEST(Flags, RejectsUnknownFlagsMissingValuesAndStrayArguments) {
    EXPECT_NE(usage_error([] {
                  cli::parse_flags({"--canistr", "x"}, cli::connection_flags());
              }).find("--canistr"),
              std::string::npos);
    EXPECT_NE(usage_error([] {
                  cli::parse_flags({"--identity"}, cli::connection_flags());
              }).find("needs a value"),
              std::string::npos);
    EXPECT_NE(
        usage_error([] { cli::parse_flags({"stray"}, cli::connection_flags()); }).find("stray"),
        std::string::npos);
    usage_error([] { cli::parse_flags({"--json=yes"}, cli::connection_flags()); });
}

TEST(Networks, ResolveNamesAndUrls) {
    EXPECT_EQ(cli::resolve_network_url("ic"), "https://icp-api.io");
    EXPECT_EQ(cli::resolve_network_url("local"), "http://127.0.0.1:5987");
    EXPECT_EQ(cli::resolve_network_url("http://127.0.0.1:4943"), "http://127.0.0.1:4943");
    EXPECT_NE(usage_error([] { cli::resolve_network_url("mainnet"); }).find("mainnet"),
              std::string::npos);
}

TEST(ModuleConfig, ReadsEveryField) {
    auto path = write_temp("full.json", R"({
        "name": "satellite", "kind": "satellite", "canister_id": "ryjl3-tyaaa-aaaaa-aaaba-cai",
        "network": "local", "identity": "/keys/me.pem", "root_key": "fetch",
        "wasm": "/build/satellite.wasm.gz", "install_arg_file": "",
        "backup": {"keep": 3, "overwrite": false}})");
    auto config = cli::read_module_config(path);
    EXPECT_EQ(config.name, "satellite");
    EXPECT_EQ(config.kind, "satellite");
    EXPECT_EQ(config.canister_id, "ryjl3-tyaaa-aaaaa-aaaba-cai");
    EXPECT_EQ(config.network, "local");
    EXPECT_EQ(config.identity, "/keys/me.pem");
    EXPECT_EQ(config.wasm, "/build/satellite.wasm.gz");
    EXPECT_FALSE(config.install_arg_file.has_value());
    EXPECT_EQ(config.backup_keep, 3u);
    EXPECT_EQ(config.backup_overwrite, false);
}

TEST(ModuleConfig, ErrorsNameTheFileAndTheField) {
    auto bad_json = write_temp("bad.json", "{ \"name\": ");
    auto msg = usage_error([&] { cli::read_module_config(bad_json); });
    EXPECT_NE(msg.find(bad_json.string()), std::string::npos) << msg;
    EXPECT_NE(msg.find("invalid JSON"), std::string::npos) << msg;

    auto bad_keep = write_temp("keep.json", R"({"backup": {"keep": 11}})");
    EXPECT_NE(usage_error([&] { cli::read_module_config(bad_keep); }).find("backup.keep"),
              std::string::npos);
    auto bad_type = write_temp("type.json", R"({"canister_id": 5})");
    EXPECT_NE(usage_error([&] { cli::read_module_config(bad_type); }).find("canister_id"),
              std::string::npos);
    EXPECT_NE(usage_error([] {
                  cli::read_module_config("/nonexistent/module.json");
              }).find("/nonexistent/module.json"),
              std::string::npos);
}

TEST(Connection, FlagsOverrideTheConfig) {
    auto path =
        write_temp("conn.json", R"({"name": "orbiter", "canister_id": "ryjl3-tyaaa-aaaaa-aaaba-cai",
        "network": "local", "identity": "/a.pem"})");
    auto flags = cli::parse_flags(
        {"--config", path.string(), "--network", "http://127.0.0.1:9", "--identity", "/b.pem"},
        cli::connection_flags());
    auto connection = cli::resolve_connection(flags);
    EXPECT_EQ(connection.canister->to_text(), "ryjl3-tyaaa-aaaaa-aaaba-cai");
    EXPECT_EQ(connection.url, "http://127.0.0.1:9");
    EXPECT_EQ(connection.identity->string(), "/b.pem");
    EXPECT_EQ(connection.module_name, "orbiter");
}

TEST(Connection, RootKeyDefaultsToFetchOnlyOnLoopback) {
    cli::Connection local;
    local.url = "http://127.0.0.1:5987";
    EXPECT_EQ(cli::agent_options(local, {}).root_key.kind, ic::RootKeySource::Kind::Fetch);
    cli::Connection mainnet;
    mainnet.url = "https://icp-api.io";
    EXPECT_EQ(cli::agent_options(mainnet, {}).root_key.kind, ic::RootKeySource::Kind::Mainnet);
    mainnet.root_key = "fetch";
    std::string notice;
    EXPECT_EQ(cli::agent_options(mainnet, [&](const std::string& t) { notice = t; }).root_key.kind,
              ic::RootKeySource::Kind::Fetch);
    EXPECT_NE(notice.find("trusting the root key"), std::string::npos);
}

TEST(Connection, RejectsBadTimeoutAndBadCanister) {
    EXPECT_NE(
        usage_error([] {
            cli::resolve_connection(cli::parse_flags({"--timeout", "0"}, cli::connection_flags()));
        }).find("--timeout"),
        std::string::npos);
    EXPECT_NE(usage_error([] {
                  cli::resolve_connection(cli::parse_flags(
                      {"--canister", "ryjl3-tyaaa-aaaaa-aaaba-caa"}, cli::connection_flags()));
              }).find("checksum"),
              std::string::npos);
}

}  // namespace
