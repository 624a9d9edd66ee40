#include "juno/package.hpp"

#include <gtest/gtest.h>

#include "ic/error.hpp"

namespace {

using juno::PackageChange;

juno::JunoPackage parse(const std::string& json) {
    return juno::parse_juno_package(ic::view(json), "test");
}

std::string error_of(const std::string& json) {
    try {
        parse(json);
    } catch (const ic::Error& error) {
        EXPECT_EQ(error.kind(), ic::ErrorKind::Usage);
        return error.what();
    }
    ADD_FAILURE() << "accepted: " << json;
    return "";
}

juno::PackageMetadata package(const std::string& json) {
    juno::PackageMetadata metadata;
    metadata.package = parse(json);
    return metadata;
}

const std::string stock_1 = R"({"name":"@junobuild/satellite","version":"0.1.1"})";
const std::string stock_2 = R"({"name":"@junobuild/satellite","version":"0.1.2"})";
const std::string extended_2 =
    R"({"name":"my-app","version":"1.0.0","dependencies":{"@junobuild/satellite":"0.1.2"}})";
const std::string orbiter = R"({"name":"@junobuild/orbiter","version":"0.1.2"})";

std::vector<PackageChange> changes(const juno::PackageMetadata& from,
                                   const juno::PackageMetadata& to,
                                   const std::string& kind = "satellite", bool installed = true) {
    std::vector<PackageChange> out;
    for (const auto& f : juno::find_package_changes(from, installed, to, kind)) {
        out.push_back(f.change);
    }
    return out;
}

TEST(PackageTest, ParsesJunoPackageJson) {
    auto p = parse(extended_2);
    EXPECT_EQ(p.name, "my-app");
    EXPECT_EQ(p.version, "1.0.0");
    ASSERT_EQ(p.dependencies.size(), 1u);
    EXPECT_EQ(p.dependencies[0].first, "@junobuild/satellite");
    EXPECT_EQ(p.dependencies[0].second, "0.1.2");
    EXPECT_TRUE(parse(stock_1).dependencies.empty());
}

TEST(PackageTest, RefusesMalformedMetadataClearly) {
    EXPECT_NE(error_of("{").find("not valid JSON at offset"), std::string::npos);
    EXPECT_NE(error_of("[]").find("not a JSON object"), std::string::npos);
    EXPECT_NE(error_of(R"({"version":"1.0.0"})").find("'name' is missing"), std::string::npos);
    EXPECT_NE(error_of(R"({"name":"a","version":1})").find("'version'"), std::string::npos);
    EXPECT_NE(error_of(R"({"name":"a","version":"1","dependencies":[]})").find("'dependencies'"),
              std::string::npos);
    EXPECT_NE(error_of(R"({"name":"a","version":"1","dependencies":{"b":2}})").find("'b'"),
              std::string::npos);
    EXPECT_NE(error_of("{\"name\":\"\xff\",\"version\":\"1\"}").find("not valid JSON"),
              std::string::npos);
    std::string big =
        R"({"name":")" + std::string(juno::max_package_metadata, 'a') + R"(","version":"1"})";
    EXPECT_NE(error_of(big).find("at most"), std::string::npos);
}

TEST(PackageTest, ParsesSemanticVersions) {
    auto v = juno::parse_version("1.22.333");
    ASSERT_TRUE(v);
    EXPECT_EQ(v->major, 1u);
    EXPECT_EQ(v->minor, 22u);
    EXPECT_EQ(v->patch, 333u);
    ASSERT_TRUE(juno::parse_version("v0.0.1-rc.1+build.5"));
    EXPECT_EQ(juno::parse_version("0.0.1-rc.1")->pre_release.size(), 2u);
    for (const char* bad : {"", "1", "1.2", "1.2.3.4", "01.2.3", "1.2.x", "1.2.3-", "1.2.3-a..b",
                            "1.2.3+", "1.2.3-01", "-1.2.3", "1.2.3 ", "99999999999999999999.0.0"}) {
        EXPECT_FALSE(juno::parse_version(bad)) << bad;
    }
}

TEST(PackageTest, ComparesBySemverPrecedence) {
    auto cmp = [](const char* a, const char* b) {
        return juno::compare_versions(*juno::parse_version(a), *juno::parse_version(b));
    };
    EXPECT_LT(cmp("0.0.9", "0.0.10"), 0);
    EXPECT_GT(cmp("1.0.0", "0.99.99"), 0);
    EXPECT_EQ(cmp("1.0.0", "1.0.0+other"), 0);
    EXPECT_LT(cmp("1.0.0-rc.1", "1.0.0"), 0);
    EXPECT_LT(cmp("1.0.0-alpha", "1.0.0-alpha.1"), 0);
    EXPECT_LT(cmp("1.0.0-alpha.1", "1.0.0-alpha.beta"), 0);
    EXPECT_LT(cmp("1.0.0-beta.2", "1.0.0-beta.11"), 0);
}

// The cases of juno-js's version.helpers.spec.ts, and what its per-part rule means around zero.
TEST(PackageTest, OneStepIsJunosCheckUpgradeVersion) {
    auto step = [](const char* a, const char* b) {
        return juno::is_one_step(*juno::parse_version(a), *juno::parse_version(b));
    };
    EXPECT_TRUE(step("1.0.0", "1.0.0"));
    EXPECT_TRUE(step("1.0.0", "1.0.1"));
    EXPECT_TRUE(step("1.0.0", "1.1.0"));
    EXPECT_TRUE(step("1.0.0", "2.0.0"));
    EXPECT_FALSE(step("1.0.0", "3.0.0"));
    EXPECT_FALSE(step("1.0.0", "1.2.0"));
    EXPECT_FALSE(step("1.0.0", "1.0.2"));
    EXPECT_TRUE(step("0.0.9", "0.1.0"));
    EXPECT_TRUE(step("0.1.7", "1.0.0"));
}

TEST(PackageTest, KindsMapToJunoPackages) {
    EXPECT_EQ(juno::package_of_kind("satellite"), "@junobuild/satellite");
    EXPECT_EQ(juno::package_of_kind("mission_control"), "@junobuild/mission-control");
    EXPECT_EQ(juno::package_of_kind("orbiter"), "@junobuild/orbiter");
    EXPECT_FALSE(juno::package_of_kind("canister"));
}

TEST(PackageTest, IdentifiesStockAndExtendedSatellites) {
    auto stock = juno::identify(package(stock_1), "satellite");
    EXPECT_TRUE(stock.is_kind);
    EXPECT_EQ(stock.build, "stock");
    EXPECT_EQ(stock.version, "0.1.1");
    auto extended = juno::identify(package(extended_2), "satellite");
    EXPECT_TRUE(extended.is_kind);
    EXPECT_EQ(extended.build, "extended");
    EXPECT_EQ(extended.version, "0.1.2");  // the Satellite dependency's, not the app's 1.0.0
    EXPECT_FALSE(juno::identify(package(extended_2), "orbiter").is_kind);
    juno::PackageMetadata legacy;
    legacy.legacy_build = "extended";
    EXPECT_EQ(juno::identify(legacy, "satellite").build, "extended");
    EXPECT_FALSE(juno::identify({}, "satellite").has_metadata);
}

TEST(PackageTest, FindsEachRefusedChange) {
    using V = std::vector<PackageChange>;
    EXPECT_EQ(changes(package(stock_1), package(stock_2)), V{});
    EXPECT_EQ(changes(package(stock_2), package(stock_2)), V{});
    EXPECT_EQ(changes(package(stock_2), package(stock_1)), V{PackageChange::Downgrade});
    EXPECT_EQ(
        changes(package(stock_1), package(R"({"name":"@junobuild/satellite","version":"0.1.3"})")),
        V{PackageChange::Skip});
    EXPECT_EQ(changes(package(extended_2), package(stock_2)), V{PackageChange::Stock});
    EXPECT_EQ(changes(package(stock_1), package(extended_2)), V{});
    EXPECT_EQ(changes(package(stock_1), package(orbiter)), V{PackageChange::Kind});
    EXPECT_EQ(changes(package(orbiter), package(stock_2)), V{PackageChange::Kind});
    // A module with metadata replaced by a Wasm without (a plain canister) is the wrong kind.
    EXPECT_EQ(changes(package(stock_1), {}), V{PackageChange::Kind});
    // Without metadata on the installed side (older modules), only the Wasm's kind counts.
    EXPECT_EQ(changes({}, package(stock_1)), V{});
    EXPECT_EQ(changes({}, package(orbiter)), V{PackageChange::Kind});
    EXPECT_EQ(changes({}, {}), V{});
    // A first install checks the Wasm only.
    EXPECT_EQ(changes(package(orbiter), package(stock_1), "satellite", false), V{});
    // Other kinds are not Juno modules.
    EXPECT_EQ(changes(package(stock_2), package(orbiter), "canister"), V{});
    juno::PackageMetadata broken;
    broken.malformed = "not valid JSON";
    EXPECT_EQ(changes(package(stock_1), broken), V{PackageChange::Kind});
    EXPECT_EQ(
        changes(package(stock_1), package(R"({"name":"@junobuild/satellite","version":"x"})")),
        V{PackageChange::Skip});
}

TEST(PackageTest, FindingsSayWhatWasFound) {
    auto findings =
        juno::find_package_changes(package(extended_2), true, package(stock_1), "satellite");
    ASSERT_EQ(findings.size(), 2u);
    EXPECT_NE(findings[0].text.find("serverless functions"), std::string::npos);
    EXPECT_NE(findings[1].text.find("0.1.1 is older than the installed 0.1.2"), std::string::npos);
}

TEST(PackageTest, ParsesTheAllowedChanges) {
    using S = std::set<PackageChange>;
    EXPECT_EQ(juno::parse_package_changes("downgrade", "flag"), S{PackageChange::Downgrade});
    EXPECT_EQ(juno::parse_package_changes("kind, skip", "flag"),
              (S{PackageChange::Kind, PackageChange::Skip}));
    EXPECT_EQ(juno::parse_package_changes("all", "flag").size(), 4u);
    EXPECT_TRUE(juno::parse_package_changes("", "flag").empty());
    try {
        juno::parse_package_changes("kind,downgrades", "JUNO_ALLOW_PACKAGE_CHANGE");
        FAIL() << "accepted an unknown change";
    } catch (const ic::Error& error) {
        EXPECT_EQ(error.kind(), ic::ErrorKind::Usage);
        EXPECT_NE(std::string(error.what())
                      .find("JUNO_ALLOW_PACKAGE_CHANGE: unknown change "
                            "'downgrades'"),
                  std::string::npos);
    }
}

}  // namespace

namespace {

TEST(PackageTest, DeepNestingAndNulBytesAreRefused) {
    std::string deep = R"({"name":"a","version":"1","other":)" + std::string(60000, '[');
    EXPECT_NE(error_of(deep).find("nested deeper than 32 levels"), std::string::npos);
    // Nesting where it is allowed: members Juno does not define are skipped.
    EXPECT_EQ(parse(R"({"name":"a","version":"1","x":{"y":[1,{"z":null}]}})").name, "a");
    std::string nul = R"({"name":"a","version":"1"})";
    nul += '\0';
    nul += "garbage";
    EXPECT_NE(error_of(nul).find("NUL byte"), std::string::npos);
    // A UTF-8 lead byte at the very end (found by the fuzzer: RapidJSON read past the end).
    EXPECT_NE(error_of("\"p\xf1").find("not valid JSON"), std::string::npos);
}

TEST(PackageTest, DescriptionsKeepEscapeSequencesOffTheTerminal) {
    auto d = juno::identify(
        package("{\"name\":\"@junobuild/orbiter\\u001b[2J\",\"version\":\"1\"}"), "orbiter");
    EXPECT_FALSE(d.is_kind);
    EXPECT_EQ(d.description.find('\x1b'), std::string::npos);
    EXPECT_NE(d.description.find("@junobuild/orbiter?[2J 1"), std::string::npos);
}

}  // namespace
