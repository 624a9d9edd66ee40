// Juno's package metadata (`juno:package`): what a Satellite, Mission Control or Orbiter says it
// is, and the checks Juno's CLI makes with it before an upgrade: the kind, an extended Satellite
// replaced by a stock one, a downgrade and a skipped version. Facts from junobuild/juno-js
// (packages/admin: package.services.ts, satellite.version.services.ts, version.helpers.ts;
// packages/config: JunoPackageSchema) and junobuild/cli (upgrade-assert.services.ts).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ic/bytes.hpp"
#include "juno/module.hpp"
#include "juno/wasm.hpp"

namespace juno {

// The JSON `{name, version, dependencies?}` of the `icp:public juno:package` custom section
// (JunoPackageSchema: name and version are strings, dependencies a record of strings).
struct JunoPackage {
    std::string name;
    std::string version;
    std::vector<std::pair<std::string, std::string>> dependencies;  // package name -> version
};

// Larger metadata is refused unread: Juno's packages hold a few hundred bytes.
constexpr std::size_t max_package_metadata = 64 * 1024;

// Parses the metadata bytes (untrusted: from a Wasm file or a module). Members other than name,
// version and dependencies are skipped. Throws ic::Error (Usage) starting with `what` when the
// bytes are larger than max_package_metadata, hold a NUL, are not UTF-8 JSON, nest deeper than 32
// levels, are not an object, or name/version are missing or not strings, or dependencies is not
// an object of strings.
JunoPackage parse_juno_package(ic::ByteView bytes, const std::string& what);

// A semantic version (semver.org 2.0.0): major.minor.patch[-pre-release][+build].
struct Version {
    std::uint64_t major = 0;
    std::uint64_t minor = 0;
    std::uint64_t patch = 0;
    std::vector<std::string> pre_release;  // dot-separated identifiers; empty for a release
};
// nullopt when `text` is not a semantic version (a leading "v" is accepted, as npm's semver does).
std::optional<Version> parse_version(std::string_view text);
// semver precedence: <0 when a is older than b, 0 when equal (build metadata is ignored), >0.
int compare_versions(const Version& a, const Version& b);
// Juno's checkUpgradeVersion (admin version.helpers.ts): an upgrade may move each of major,
// minor and patch by at most one step up; false when it skips a step.
bool is_one_step(const Version& installed, const Version& next);

// The module kinds that carry Juno's metadata, and the package names that identify them.
inline constexpr std::string_view satellite_package = "@junobuild/satellite";
inline constexpr std::string_view mission_control_package = "@junobuild/mission-control";
inline constexpr std::string_view orbiter_package = "@junobuild/orbiter";
// The package a KIND names (satellite -> @junobuild/satellite, ...); nullopt for other kinds
// (canister), which Juno's checks do not apply to.
std::optional<std::string_view> package_of_kind(std::string_view kind);

// What one module (installed, or a Wasm file) says about itself.
struct PackageMetadata {
    std::optional<JunoPackage> package;       // icp:public juno:package
    std::optional<std::string> legacy_build;  // icp:public juno:build ("stock"/"extended")
    std::string malformed;                    // why juno:package could not be read, if so
};

// A module as the checks see it for a KIND.
struct Identified {
    bool has_metadata = false;           // it carries juno:package or juno:build
    bool is_kind = false;                // its package is the KIND's (or extends the Satellite)
    std::optional<std::string> build;    // satellites: "stock" or "extended"
    std::optional<std::string> version;  // the KIND's version (extended: the dependency's)
    std::string description;             // "@junobuild/satellite 0.0.2 (stock)", for messages
};
Identified identify(const PackageMetadata& metadata, std::string_view kind);

// The changes an upgrade may be told to allow (--allow-package-change, JUNO_ALLOW_PACKAGE_CHANGE).
enum class PackageChange { Kind, Stock, Downgrade, Skip };
const char* to_string(PackageChange change);  // "kind", "stock", "downgrade", "skip"
// Parses a comma-separated list of those names ("all" allows each). Throws ic::Error (Usage)
// naming `source` (the flag or variable) and the known names for an unknown one.
std::set<PackageChange> parse_package_changes(std::string_view list, const std::string& source);

struct Finding {
    PackageChange change;
    std::string text;  // what was found, in the user's terms
};
// The changes from `installed` to `next` for a KIND, in the order Juno's CLI checks them.
// `installed_module` is false for an empty module (a first install: only the Wasm's kind counts).
std::vector<Finding> find_package_changes(const PackageMetadata& installed, bool installed_module,
                                          const PackageMetadata& next, std::string_view kind);

// What `juno-helper upgrade` checks, from the module config and the overrides.
struct PackageCheckOptions {
    std::string kind = "canister";    // the module's KIND
    std::set<PackageChange> allowed;  // changes allowed for this run
};

// The metadata sections of a Wasm file (gzipped or not). Throws ic::Error (Usage) naming the file
// when a section is there twice.
PackageMetadata read_wasm_package(const WasmFile& wasm);
// The metadata of the module installed in context.module.canister, read with a certified
// read_state (canister/<id>/metadata/juno:package and juno:build). Throws ic::Error when the read
// fails or the certificate neither holds nor excludes a path.
PackageMetadata read_installed_package(Context& context);
// The same in two halves, for a caller that reads these paths in one read_state with others:
// the paths, and the metadata a certificate for them holds (same errors).
std::vector<std::vector<ic::Bytes>> installed_package_paths(const ic::Principal& canister);
PackageMetadata installed_package_in(const ic::Certificate& certificate,
                                     const ic::Principal& canister);

// Juno's checks for an upgrade of the module found with `status` to `wasm`, before anything is
// touched: for KIND satellite, mission_control and orbiter; nothing for other kinds or when the
// module already runs the Wasm. Modules without metadata pass with a progress line. Throws
// ic::Error (Usage) when a change is found that `options.allowed` does not allow: the message says
// what was found (installed and new), that the module was not touched and its status, and the
// override to run with; a failed read of the installed metadata is reported as an upgrade that
// failed before touching the module. The installed metadata comes from `read_installed` (called
// only when needed): read_installed_package, or a read_state made beside others.
void check_package(Context& context, const WasmFile& wasm,
                   const ic::management::CanisterStatus& status, const PackageCheckOptions& options,
                   const std::function<PackageMetadata()>& read_installed);

}  // namespace juno
