#include "juno/transfer/juno_folder.hpp"

#include <rapidjson/document.h>

#include "ic/error.hpp"

namespace juno::transfer {

namespace {

using ic::management::GlobalTimer;
using ic::management::SnapshotGlobal;
using Json = rapidjson::Value;

[[noreturn]] void bad(const std::string& file, const std::string& what) {
    throw ic::Error(ic::ErrorKind::Usage, file + " is not a Juno snapshot's metadata: " + what);
}

const Json& field(const Json& object, const char* key, const std::string& file) {
    if (!object.IsObject()) bad(file, std::string("expected an object holding \"") + key + "\"");
    auto it = object.FindMember(key);
    if (it == object.MemberEnd()) bad(file, std::string("\"") + key + "\" is missing");
    return it->value;
}

// A bigint as jsonReplacer writes it ({"__bigint__": "<decimal>"}), or a plain number.
std::int64_t signed_of(const Json& v, const std::string& file, const char* what) {
    if (v.IsInt64()) return v.GetInt64();
    if (v.IsObject() && v.HasMember("__bigint__") && v["__bigint__"].IsString()) {
        std::string text = v["__bigint__"].GetString();
        try {
            std::size_t used = 0;
            long long n = std::stoll(text, &used);
            if (used == text.size()) return n;
        } catch (const std::exception&) {
        }
    }
    bad(file, std::string(what) + " is not a 64-bit integer");
}

std::uint64_t unsigned_of(const Json& v, const std::string& file, const char* what) {
    if (v.IsUint64()) return v.GetUint64();
    if (v.IsObject() && v.HasMember("__bigint__") && v["__bigint__"].IsString()) {
        std::string text = v["__bigint__"].GetString();
        if (!text.empty() && text.find_first_not_of("0123456789") == std::string::npos) {
            try {
                return std::stoull(text);
            } catch (const std::exception&) {
            }
        }
    }
    bad(file, std::string(what) + " is not a whole number");
}

// {"__uint8array__": [...]}, or a plain array of numbers.
ic::Bytes bytes_of(const Json& v, const std::string& file, const char* what) {
    const Json* array = &v;
    if (v.IsObject() && v.HasMember("__uint8array__")) array = &v["__uint8array__"];
    if (!array->IsArray()) bad(file, std::string(what) + " is not a byte array");
    ic::Bytes out;
    for (const auto& b : array->GetArray()) {
        if (!b.IsUint() || b.GetUint() > 255) bad(file, std::string(what) + " holds a non-byte");
        out.push_back(static_cast<std::uint8_t>(b.GetUint()));
    }
    return out;
}

// The one case of a variant object: {"<case>": value}.
std::pair<std::string, const Json*> variant_of(const Json& v, const std::string& file,
                                               const char* what) {
    if (!v.IsObject() || v.MemberCount() != 1) bad(file, std::string(what) + " is not a variant");
    return {v.MemberBegin()->name.GetString(), &v.MemberBegin()->value};
}

SnapshotGlobal global_of(const Json& v, const std::string& file) {
    auto [type, value] = variant_of(v, file, "a global");
    SnapshotGlobal g;
    if (type == "i32" || type == "i64") {
        g.type = type == "i32" ? SnapshotGlobal::Type::I32 : SnapshotGlobal::Type::I64;
        g.integer = signed_of(*value, file, "an integer global");
    } else if (type == "f32" || type == "f64") {
        g.type = type == "f32" ? SnapshotGlobal::Type::F32 : SnapshotGlobal::Type::F64;
        if (!value->IsNumber()) bad(file, "a float global is not a number");
        g.real = value->GetDouble();
        if (type == "f32") g.real = static_cast<float>(g.real);
    } else if (type == "v128") {
        g.type = SnapshotGlobal::Type::V128;
        g.v128 = ic::candid::BigInt::from_u64(unsigned_of(*value, file, "a v128 global"));
    } else {
        bad(file, "a global has the unknown type \"" + type + "\"");
    }
    return g;
}

std::optional<JunoFile> file_of(const Json& data, const char* key, const std::string& file) {
    auto it = data.FindMember(key);
    if (it == data.MemberEnd() || it->value.IsNull()) return std::nullopt;
    JunoFile out;
    const Json& name = field(it->value, "filename", file);
    const Json& hash = field(it->value, "hash", file);
    if (!name.IsString() || !hash.IsString()) bad(file, std::string(key) + "'s filename or hash");
    out.filename = name.GetString();
    if (out.filename.empty() || out.filename.find('/') != std::string::npos ||
        out.filename.find("..") != std::string::npos) {
        bad(file, std::string(key) + " names a file outside the folder");
    }
    out.size = unsigned_of(field(it->value, "size", file), file, "a file size");
    ic::Bytes digest;
    try {
        digest = ic::from_hex(hash.GetString());
    } catch (const ic::Error&) {
    }
    if (digest.size() != 32) bad(file, std::string(key) + "'s hash is not 64 hex digits");
    std::copy(digest.begin(), digest.end(), out.sha256.begin());
    return out;
}

}  // namespace

bool is_juno_metadata(std::string_view text) {
    rapidjson::Document doc;
    doc.Parse(text.data(), text.size());
    return !doc.HasParseError() && doc.IsObject() && doc.HasMember("metadata") &&
           doc.HasMember("data");
}

JunoFolder juno_folder_from_json(std::string_view text, const std::string& file) {
    rapidjson::Document doc;
    doc.Parse(text.data(), text.size());
    if (doc.HasParseError() || !doc.IsObject()) bad(file, "not a JSON object");
    JunoFolder out;
    if (auto it = doc.FindMember("snapshotId"); it != doc.MemberEnd() && it->value.IsString())
        out.snapshot_id = it->value.GetString();
    const Json& m = field(doc, "metadata", file);
    SnapshotMetadata& meta = out.metadata;
    auto [source, ignored] = variant_of(field(m, "source", file), file, "\"source\"");
    (void)ignored;
    if (source == "takenFromCanister")
        meta.source = "taken_from_canister";
    else if (source == "metadataUpload")
        meta.source = "metadata_upload";
    else
        bad(file, "\"source\" is neither takenFromCanister nor metadataUpload");
    meta.taken_at_timestamp =
        unsigned_of(field(m, "takenAtTimestamp", file), file, "\"takenAtTimestamp\"");
    meta.wasm_module_size =
        unsigned_of(field(m, "wasmModuleSize", file), file, "\"wasmModuleSize\"");
    meta.wasm_memory_size =
        unsigned_of(field(m, "wasmMemorySize", file), file, "\"wasmMemorySize\"");
    meta.stable_memory_size =
        unsigned_of(field(m, "stableMemorySize", file), file, "\"stableMemorySize\"");
    meta.canister_version =
        unsigned_of(field(m, "canisterVersion", file), file, "\"canisterVersion\"");
    meta.certified_data = bytes_of(field(m, "certifiedData", file), file, "\"certifiedData\"");
    const Json& globals = field(m, "globals", file);
    if (!globals.IsArray()) bad(file, "\"globals\" is not an array");
    for (const auto& g : globals.GetArray()) meta.globals.push_back(global_of(g, file));
    const Json& store = field(m, "wasmChunkStore", file);
    if (!store.IsArray()) bad(file, "\"wasmChunkStore\" is not an array");
    for (const auto& entry : store.GetArray()) {
        ic::Bytes h = bytes_of(field(entry, "hash", file), file, "a chunk hash");
        if (h.size() != 32) bad(file, "a chunk hash is not 32 bytes");
        ic::Hash hash{};
        std::copy(h.begin(), h.end(), hash.begin());
        meta.wasm_chunk_store.push_back(hash);
    }
    if (auto it = m.FindMember("globalTimer"); it != m.MemberEnd() && !it->value.IsNull()) {
        auto [state, value] = variant_of(it->value, file, "\"globalTimer\"");
        GlobalTimer timer;
        if (state == "active") {
            timer.active = true;
            timer.at = unsigned_of(*value, file, "\"globalTimer\"");
        } else if (state != "inactive") {
            bad(file, "\"globalTimer\" is neither active nor inactive");
        }
        meta.global_timer = timer;
    }
    if (auto it = m.FindMember("onLowWasmMemoryHookStatus");
        it != m.MemberEnd() && !it->value.IsNull()) {
        auto [state, value] = variant_of(it->value, file, "\"onLowWasmMemoryHookStatus\"");
        (void)value;
        if (state == "conditionNotSatisfied")
            meta.on_low_wasm_memory_hook_status = "condition_not_satisfied";
        else if (state == "ready" || state == "executed")
            meta.on_low_wasm_memory_hook_status = state;
        else
            bad(file, "\"onLowWasmMemoryHookStatus\" is not a known state");
    }
    const Json& data = field(doc, "data", file);
    if (!data.IsObject()) bad(file, "\"data\" is not an object");
    out.wasm_module = file_of(data, "wasmModule", file);
    out.wasm_memory = file_of(data, "wasmMemory", file);
    out.stable_memory = file_of(data, "stableMemory", file);
    out.wasm_chunk_store = file_of(data, "wasmChunkStore", file);
    return out;
}

}  // namespace juno::transfer
