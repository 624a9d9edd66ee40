#include "juno/package.hpp"

#include <rapidjson/error/en.h>
#include <rapidjson/reader.h>

#include <algorithm>
#include <charconv>
#include <tuple>

#include "ic/error.hpp"
#include "juno/lifecycle.hpp"

namespace juno {

namespace {

constexpr const char* package_section = "icp:public juno:package";
constexpr const char* legacy_build_section = "icp:public juno:build";

[[noreturn]] void malformed(const std::string& what, const std::string& why) {
    throw ic::Error(ic::ErrorKind::Usage, what + ": " + why);
}

// A semver numeric identifier: digits, no leading zero unless it is "0", within 64 bits.
std::optional<std::uint64_t> numeric_identifier(std::string_view text) {
    if (text.empty() || text.size() > 19) return std::nullopt;
    if (text.size() > 1 && text[0] == '0') return std::nullopt;
    std::uint64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return value;
}

bool is_identifier_char(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
}

// Splits dot-separated semver identifiers; nullopt when one is empty or holds other characters.
std::optional<std::vector<std::string>> identifiers(std::string_view text) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (true) {
        std::size_t dot = text.find('.', start);
        std::string_view part =
            text.substr(start, dot == std::string_view::npos ? text.npos : dot - start);
        if (part.empty() || !std::all_of(part.begin(), part.end(), is_identifier_char)) {
            return std::nullopt;
        }
        out.emplace_back(part);
        if (dot == std::string_view::npos) return out;
        start = dot + 1;
    }
}

bool all_digits(const std::string& s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// A name or version from untrusted metadata, as it may reach a terminal: control characters
// (escape sequences) become '?', and it is cut at a length no real package name reaches.
std::string printable(const std::string& text) {
    constexpr std::size_t max_length = 120;
    std::string out;
    for (char c : text.substr(0, max_length)) {
        auto byte = static_cast<unsigned char>(c);
        out += byte < 0x20 || byte == 0x7f ? '?' : c;
    }
    return text.size() > max_length ? out + "..." : out;
}

}  // namespace

namespace {

// Reads a JunoPackage from RapidJSON's SAX events, without a DOM: the root object's name, version
// and dependencies (other members are skipped). Why not a Document: RapidJSON 1.1.0 (Debian 12)
// grows its value stack from a null pointer (undefined behaviour that the fuzzer's sanitizer
// stops at), and a recursive parse of untrusted nesting would grow the call stack; here strings
// are parsed in place, numbers without the stack, and nesting stops at max_depth.
class PackageHandler : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, PackageHandler> {
public:
    static constexpr int max_depth = 32;
    JunoPackage package;
    bool has_name = false;
    bool has_version = false;
    std::string problem;  // why the handler ended the parse

    bool Default() { return value(nullptr); }  // null, booleans and numbers
    bool String(const char* text, rapidjson::SizeType length, bool) {
        std::string string(text, length);
        return value(&string);
    }
    bool Key(const char* text, rapidjson::SizeType length, bool) {
        if (depth_ == 1) root_key_.assign(text, length);
        if (depth_ == 2 && in_dependencies_) dependency_.assign(text, length);
        return true;
    }
    bool StartObject() { return open(true); }
    bool StartArray() { return open(false); }
    bool EndObject(rapidjson::SizeType) { return close(); }
    bool EndArray(rapidjson::SizeType) { return close(); }

private:
    bool fail(const std::string& why) {
        problem = why;
        return false;
    }
    // A value where the parse stands: a string (`text`), or any other scalar (nullptr).
    bool value(const std::string* text) {
        if (depth_ == 0) return fail("not a JSON object {name, version, dependencies}");
        if (depth_ == 1 && (root_key_ == "name" || root_key_ == "version")) {
            if (!text) return fail("'" + root_key_ + "' is not a string");
            (root_key_ == "name" ? package.name : package.version) = *text;
            (root_key_ == "name" ? has_name : has_version) = true;
        } else if (depth_ == 1 && root_key_ == "dependencies") {
            return fail("'dependencies' is not an object");
        } else if (depth_ == 2 && in_dependencies_) {
            if (!text) return fail("dependency '" + dependency_ + "' has no version string");
            package.dependencies.emplace_back(dependency_, *text);
        }
        return true;
    }
    bool open(bool object) {
        if (depth_ == 0 && !object) return value(nullptr);
        if (depth_ == 1 && root_key_ == "dependencies") {
            if (!object) return fail("'dependencies' is not an object");
            in_dependencies_ = true;
        } else if (depth_ == 1 || (depth_ == 2 && in_dependencies_)) {
            value(nullptr);  // an object or array where name, version or a dependency belongs
            if (!problem.empty()) return false;
        }
        if (++depth_ > max_depth) {
            return fail("nested deeper than " + std::to_string(max_depth) + " levels");
        }
        return true;
    }
    bool close() {
        if (depth_-- == 2) in_dependencies_ = false;
        return true;
    }

    int depth_ = 0;  // 1: inside the root object
    bool in_dependencies_ = false;
    std::string root_key_;
    std::string dependency_;
};

}  // namespace

JunoPackage parse_juno_package(ic::ByteView bytes, const std::string& what) {
    if (bytes.size() > max_package_metadata) {
        malformed(what, "it is " + std::to_string(bytes.size()) + " bytes; Juno's metadata is " +
                            "at most " + std::to_string(max_package_metadata));
    }
    std::string text(bytes.begin(), bytes.end());  // parsed in place: RapidJSON writes into it
    // RapidJSON stops at the first NUL, so bytes after one would go unread.
    if (text.find('\0') != std::string::npos) malformed(what, "it holds a NUL byte");
    // RapidJSON 1.1.0 validates a UTF-8 sequence by taking its continuation bytes unchecked: a lead
    // byte at the very end would read past the terminator. Padding keeps those reads inside.
    text.append(4, '\0');
    rapidjson::InsituStringStream stream(text.data());
    rapidjson::Reader reader;
    PackageHandler handler;
    rapidjson::ParseResult result =
        reader.Parse<rapidjson::kParseInsituFlag | rapidjson::kParseValidateEncodingFlag>(stream,
                                                                                          handler);
    if (!handler.problem.empty()) malformed(what, handler.problem);
    if (result.IsError()) {
        malformed(what, std::string("not valid JSON at offset ") + std::to_string(result.Offset()) +
                            ": " + rapidjson::GetParseError_En(result.Code()));
    }
    if (!handler.has_name) malformed(what, "'name' is missing");
    if (!handler.has_version) malformed(what, "'version' is missing");
    return handler.package;
}

std::optional<Version> parse_version(std::string_view text) {
    if (!text.empty() && (text[0] == 'v' || text[0] == '=')) text.remove_prefix(1);
    if (auto plus = text.find('+'); plus != text.npos) {
        if (!identifiers(text.substr(plus + 1))) return std::nullopt;
        text = text.substr(0, plus);
    }
    Version version;
    if (auto dash = text.find('-'); dash != text.npos) {
        auto pre = identifiers(text.substr(dash + 1));
        if (!pre) return std::nullopt;
        for (const auto& id : *pre) {
            if (all_digits(id) && !numeric_identifier(id)) return std::nullopt;
        }
        version.pre_release = std::move(*pre);
        text = text.substr(0, dash);
    }
    std::uint64_t* parts[] = {&version.major, &version.minor, &version.patch};
    for (int i = 0; i < 3; ++i) {
        std::size_t dot = text.find('.');
        if ((i < 2) == (dot == text.npos)) return std::nullopt;
        auto number = numeric_identifier(text.substr(0, dot));
        if (!number) return std::nullopt;
        *parts[i] = *number;
        text = i < 2 ? text.substr(dot + 1) : std::string_view();
    }
    return version;
}

int compare_versions(const Version& a, const Version& b) {
    auto three = [](const Version& v) { return std::tie(v.major, v.minor, v.patch); };
    if (three(a) != three(b)) return three(a) < three(b) ? -1 : 1;
    // A pre-release comes before its release.
    if (a.pre_release.empty() || b.pre_release.empty()) {
        return a.pre_release.empty() == b.pre_release.empty() ? 0
                                                              : (a.pre_release.empty() ? 1 : -1);
    }
    for (std::size_t i = 0; i < a.pre_release.size() && i < b.pre_release.size(); ++i) {
        const std::string& x = a.pre_release[i];
        const std::string& y = b.pre_release[i];
        if (x == y) continue;
        bool xn = all_digits(x);
        bool yn = all_digits(y);
        if (xn && yn) return *numeric_identifier(x) < *numeric_identifier(y) ? -1 : 1;
        if (xn != yn) return xn ? -1 : 1;  // numeric identifiers come first
        return x < y ? -1 : 1;
    }
    if (a.pre_release.size() == b.pre_release.size()) return 0;
    return a.pre_release.size() < b.pre_release.size() ? -1 : 1;
}

bool is_one_step(const Version& installed, const Version& next) {
    // Juno compares each part on its own: current < selected - 1 on any part refuses.
    return !(next.major > installed.major + 1 || next.minor > installed.minor + 1 ||
             next.patch > installed.patch + 1);
}

std::optional<std::string_view> package_of_kind(std::string_view kind) {
    if (kind == "satellite") return satellite_package;
    if (kind == "mission_control") return mission_control_package;
    if (kind == "orbiter") return orbiter_package;
    return std::nullopt;
}

Identified identify(const PackageMetadata& metadata, std::string_view kind) {
    Identified out;
    if (!metadata.malformed.empty()) {
        out.has_metadata = true;
        out.description = "a juno:package section that cannot be read (" + metadata.malformed + ")";
        return out;
    }
    auto expected = package_of_kind(kind);
    if (metadata.package) {
        const JunoPackage& package = *metadata.package;
        out.has_metadata = true;
        out.description = printable(package.name) + " " + printable(package.version);
        if (expected && package.name == *expected) {
            out.is_kind = true;
            out.version = package.version;
            if (kind == "satellite") {
                out.build = "stock";
                out.description += " (stock)";
            }
            return out;
        }
        if (kind == "satellite") {
            for (const auto& [name, version] : package.dependencies) {
                if (name != satellite_package) continue;
                out.is_kind = true;
                out.build = "extended";
                out.version = version;
                out.description +=
                    " (extended: serverless functions on " + name + " " + printable(version) + ")";
                break;  // JSON may repeat a key; the first one counts
            }
        }
        return out;
    }
    if (metadata.legacy_build) {
        // Only Satellites older than juno:package carry juno:build.
        out.has_metadata = true;
        out.is_kind = kind == "satellite";
        if (out.is_kind) out.build = metadata.legacy_build;
        out.description = "a Satellite build marked '" + *metadata.legacy_build +
                          "' (legacy juno:build, no version)";
        return out;
    }
    out.description = "no Juno package metadata";
    return out;
}

const char* to_string(PackageChange change) {
    switch (change) {
        case PackageChange::Kind:
            return "kind";
        case PackageChange::Stock:
            return "stock";
        case PackageChange::Downgrade:
            return "downgrade";
        case PackageChange::Skip:
            return "skip";
    }
    return "?";
}

std::set<PackageChange> parse_package_changes(std::string_view list, const std::string& source) {
    constexpr PackageChange all[] = {PackageChange::Kind, PackageChange::Stock,
                                     PackageChange::Downgrade, PackageChange::Skip};
    std::set<PackageChange> out;
    std::size_t start = 0;
    while (start <= list.size()) {
        std::size_t comma = std::min(list.find(',', start), list.size());
        std::string_view name = list.substr(start, comma - start);
        while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
        while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
        bool known = name.empty();
        if (name == "all") {
            out.insert(std::begin(all), std::end(all));
            known = true;
        }
        for (PackageChange change : all) {
            if (name == to_string(change)) {
                out.insert(change);
                known = true;
            }
        }
        if (!known) {
            throw ic::Error(ic::ErrorKind::Usage,
                            source + ": unknown change '" + std::string(name) +
                                "'; the known ones are kind, stock, downgrade, skip and all. "
                                "Nothing was done.");
        }
        start = comma + 1;
    }
    return out;
}

std::vector<Finding> find_package_changes(const PackageMetadata& installed, bool installed_module,
                                          const PackageMetadata& next, std::string_view kind) {
    std::vector<Finding> findings;
    auto expected = package_of_kind(kind);
    if (!expected) return findings;
    std::string wanted =
        std::string(*expected) + (kind == "satellite" ? " (or a build on it)" : "");
    Identified from = identify(installed, kind);
    Identified to = identify(next, kind);
    if (installed_module && from.has_metadata && !from.is_kind) {
        findings.push_back({PackageChange::Kind,
                            "the installed module is " + from.description + ", not " + wanted});
    }
    if (to.has_metadata && !to.is_kind) {
        findings.push_back(
            {PackageChange::Kind, "the new Wasm is " + to.description + ", not " + wanted});
    }
    if (installed_module && from.is_kind && !to.has_metadata) {
        findings.push_back(
            {PackageChange::Kind, "the new Wasm carries no Juno package metadata: it is not a " +
                                      std::string(*expected) + " build like the installed module"});
    }
    if (from.build == "extended" && to.is_kind && to.build == "stock") {
        findings.push_back({PackageChange::Stock,
                            "the installed Satellite is extended (it runs your serverless "
                            "functions); the new Wasm is the stock Satellite, which would remove "
                            "them"});
    }
    if (!installed_module || !from.is_kind || !to.is_kind || !from.version || !to.version) {
        return findings;
    }
    auto old_version = parse_version(*from.version);
    auto new_version = parse_version(*to.version);
    if (!old_version || !new_version) {
        findings.push_back({PackageChange::Skip,
                            "version '" + printable(old_version ? *to.version : *from.version) +
                                "' is not a semantic version, so whether the upgrade skips or "
                                "reverses versions cannot be told"});
        return findings;
    }
    if (compare_versions(*new_version, *old_version) < 0) {
        findings.push_back({PackageChange::Downgrade, "version " + printable(*to.version) +
                                                          " is older than the installed " +
                                                          printable(*from.version)});
    } else if (!is_one_step(*old_version, *new_version)) {
        findings.push_back(
            {PackageChange::Skip,
             "from " + printable(*from.version) + " to " + printable(*to.version) +
                 " skips versions: Juno upgrades iteratively, moving each of major, minor and "
                 "patch by at most one step (there may have been breaking changes in between)"});
    }
    return findings;
}

namespace {

// Fills `metadata` from the two sections' bytes; a juno:package that cannot be read is kept as
// `malformed` (a finding of the kind check), never thrown past the checks.
void fill(PackageMetadata& metadata, const std::optional<ic::Bytes>& package,
          const std::optional<ic::Bytes>& legacy_build, const std::string& what) {
    if (package) {
        try {
            metadata.package = parse_juno_package(*package, what);
        } catch (const ic::Error& error) {
            metadata.malformed = error.what();
        }
    }
    if (legacy_build) {
        std::string build(legacy_build->begin(), legacy_build->end());
        if (build == "stock" || build == "extended") metadata.legacy_build = build;
    }
}

}  // namespace

PackageMetadata read_wasm_package(const WasmFile& wasm) {
    ic::Bytes module = module_bytes(wasm);
    std::string what = "Wasm file " + wasm.path.string();
    PackageMetadata metadata;
    fill(metadata, find_custom_section(module, package_section, what),
         find_custom_section(module, legacy_build_section, what),
         "the juno:package section of " + wasm.path.string());
    return metadata;
}

std::vector<std::vector<ic::Bytes>> installed_package_paths(const ic::Principal& canister) {
    auto path = [&](const char* name) {
        return std::vector<ic::Bytes>{ic::label("canister"), canister.bytes(),
                                      ic::label("metadata"), ic::label(name)};
    };
    return {path("juno:package"), path("juno:build")};
}

PackageMetadata installed_package_in(const ic::Certificate& certificate,
                                     const ic::Principal& canister) {
    auto paths = installed_package_paths(canister);
    std::optional<ic::Bytes> values[2];
    for (std::size_t i = 0; i < paths.size(); ++i) {
        auto found = certificate.lookup(paths[i]);
        if (found.status == ic::HashTree::LookupStatus::Found) {
            values[i] = ic::Bytes(found.value.begin(), found.value.end());
        } else if (found.status != ic::HashTree::LookupStatus::Absent) {
            throw ic::Error(ic::ErrorKind::Protocol,
                            "the certificate for the module's metadata neither holds nor "
                            "excludes canister/" +
                                canister.to_text() + "/metadata/" +
                                (i == 0 ? "juno:package" : "juno:build"));
        }
    }
    PackageMetadata metadata;
    fill(metadata, values[0], values[1], "the juno:package metadata of the installed module");
    return metadata;
}

PackageMetadata read_installed_package(Context& context) {
    const ic::Principal& canister = context.module.canister;
    return installed_package_in(
        context.agent.read_state(canister, installed_package_paths(canister)), canister);
}

void check_package(Context& context, const WasmFile& wasm,
                   const ic::management::CanisterStatus& status, const PackageCheckOptions& options,
                   const std::function<PackageMetadata()>& read_installed) {
    auto expected = package_of_kind(options.kind);
    if (!expected) return;  // KIND canister: not a Juno module
    if (status.module_hash && *status.module_hash == ic::to_bytes(wasm.hash)) return;
    PackageMetadata next = read_wasm_package(wasm);
    bool installed_module = status.module_hash.has_value();
    PackageMetadata installed;
    if (installed_module) {
        try {
            installed = read_installed();
        } catch (const ic::Error& error) {
            fail_untouched(context, "upgrade", error);
        }
    }
    Identified from = identify(installed, options.kind);
    Identified to = identify(next, options.kind);
    std::string summary =
        "installed: " +
        (installed_module ? from.description : std::string("nothing (an empty module)")) +
        "; new Wasm: " + to.description;
    if (!to.has_metadata && (!installed_module || !from.has_metadata)) {
        context.progress("Juno package check skipped: " +
                         std::string(installed_module ? "neither the installed module nor " : "") +
                         "the new Wasm carries Juno's package metadata (icp:public juno:package)");
        return;
    }
    std::vector<Finding> findings =
        find_package_changes(installed, installed_module, next, options.kind);
    std::vector<Finding> refused;
    for (const Finding& finding : findings) {
        if (options.allowed.count(finding.change)) {
            context.progress("allowed for this run (" + std::string(to_string(finding.change)) +
                             "): " + finding.text);
        } else {
            refused.push_back(finding);
        }
    }
    if (refused.empty()) {
        if (installed_module && !from.has_metadata) {
            context.progress(
                "Juno package check: the installed module carries no Juno package "
                "metadata (a module older than it, or not a Juno build); only the "
                "new Wasm's kind is checked. " +
                summary);
        } else {
            context.progress("Juno package check passed: " + summary);
        }
        return;
    }
    std::string changes;
    std::string reasons;
    for (const Finding& finding : refused) {
        std::string name = to_string(finding.change);
        if (changes.find(name) == std::string::npos) changes += (changes.empty() ? "" : ",") + name;
        reasons += "\n  - " + finding.text + " [" + name + "]";
    }
    throw ic::Error(
        ic::ErrorKind::Usage,
        "upgrade refused by Juno's package checks (KIND " + options.kind + ") for " +
            wasm.path.string() + ":" + reasons + "\n  " + summary +
            "\nNothing was changed: " + context.module.label() + " was not touched and is " +
            ic::management::to_string(status.status) + "; the upgrade took no backup." +
            "\nIf this change is intended, allow it for one run:\n  "
            "JUNO_ALLOW_PACKAGE_CHANGE=" +
            changes + " " + context.module.command_for("upgrade") +
            "\n  (or pass --allow-package-change=" + changes + " to juno-helper upgrade)");
}

}  // namespace juno
