// libFuzzer target: Juno's package metadata (juno/package.hpp) on arbitrary bytes, as it arrives
// from a Wasm file or a module's metadata: the JSON parser, the version parser and comparison,
// the checks built on them, and the custom-section reader that finds them in a module. Each must
// accept or refuse with ic::Error, never crash or loop.
#include <cstddef>
#include <cstdint>
#include <string>

#include "ic/error.hpp"
#include "juno/package.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    ic::ByteView bytes(data, size);
    try {
        juno::find_custom_section(bytes, "icp:public juno:package", "fuzz");
    } catch (const ic::Error&) {
    }
    juno::PackageMetadata next;
    try {
        next.package = juno::parse_juno_package(bytes, "fuzz");
    } catch (const ic::Error& error) {
        next.malformed = error.what();
    }
    std::string text(bytes.begin(), bytes.end());
    auto version = juno::parse_version(text);
    auto reference = juno::parse_version("1.2.3-rc.1");
    if (version) {
        juno::compare_versions(*version, *reference);
        juno::is_one_step(*reference, *version);
    }
    juno::PackageMetadata installed;
    installed.package = juno::JunoPackage{"@junobuild/satellite", "0.1.0", {}};
    for (const char* kind : {"satellite", "mission_control", "orbiter"}) {
        juno::find_package_changes(installed, true, next, kind);
        juno::find_package_changes(next, true, installed, kind);
    }
    try {
        juno::parse_package_changes(text, "fuzz");
    } catch (const ic::Error&) {
    }
    return 0;
}
