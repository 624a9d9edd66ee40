#include "juno/module.hpp"

#include <gtest/gtest.h>

namespace {

TEST(Module, LabelsAndNextCommands) {
    juno::Module module;
    module.canister = ic::Principal::from_text("ryjl3-tyaaa-aaaaa-aaaba-cai");
    EXPECT_EQ(module.label(), "canister ryjl3-tyaaa-aaaaa-aaaba-cai");
    EXPECT_EQ(module.command_for("restore"),
              "juno-helper restore --canister ryjl3-tyaaa-aaaaa-aaaba-cai");
    module.name = "satellite";
    module.build_dir = "/src/build";
    module.config_path = "/src/build/juno/satellite.json";
    EXPECT_EQ(module.label(), "module satellite (ryjl3-tyaaa-aaaaa-aaaba-cai)");
    EXPECT_EQ(module.command_for("upgrade"),
              "cmake --build /src/build --target juno_upgrade_satellite");
    EXPECT_EQ(module.command_for("list"),
              "cmake --build /src/build --target juno_backup_list_satellite");
    EXPECT_EQ(module.command_for("start"),
              "cmake --build /src/build --target juno_start_satellite");
    EXPECT_EQ(module.command_for("status"),
              "cmake --build /src/build --target juno_status_satellite");
    module.build_config = "Release";  // a multi-config generator's build
    EXPECT_EQ(module.command_for("restore"),
              "cmake --build /src/build --target juno_restore_satellite --config Release");
    module.build_dir.clear();  // run by hand with a module config
    EXPECT_EQ(module.command_for("start"),
              "juno-helper start --config /src/build/juno/satellite.json");
}

TEST(Module, NextCommandsKeepTheNetworkAndIdentityGivenOnTheCommandLine) {
    juno::Module module;
    module.canister = ic::Principal::from_text("ryjl3-tyaaa-aaaaa-aaaba-cai");
    module.connection_flags = {{"--network", "http://127.0.0.1:4943"},
                               {"--identity", "/home/me/my keys/ci's.pem"}};
    EXPECT_EQ(module.command_for("start"),
              "juno-helper start --canister ryjl3-tyaaa-aaaaa-aaaba-cai --network "
              "http://127.0.0.1:4943 --identity '/home/me/my keys/ci'\\''s.pem'");
    // A build's target would use the config's network: the helper is named instead.
    module.name = "satellite";
    module.build_dir = "/src/build";
    module.config_path = "/src/build/juno/satellite.json";
    module.connection_flags = {{"--network", "local"}};
    EXPECT_EQ(module.command_for("restore"),
              "juno-helper restore --config /src/build/juno/satellite.json --network local");
    EXPECT_EQ(juno::shell_word("plain/path-1.pem"), "plain/path-1.pem");
    EXPECT_EQ(juno::shell_word(""), "''");
    EXPECT_EQ(juno::shell_word("$HOME"), "'$HOME'");
}

TEST(Format, TimesAndSizes) {
    EXPECT_EQ(juno::format_time(1795749266597000000), "2026-11-27 03:14:26 UTC");
    EXPECT_EQ(juno::format_size(999), "999 B");
    EXPECT_EQ(juno::format_size(1500), "1.50 kB");
    EXPECT_EQ(juno::format_size(2'600'000), "2.60 MB");
    EXPECT_EQ(juno::format_size(123'000'000), "123.0 MB");
}

}  // namespace
