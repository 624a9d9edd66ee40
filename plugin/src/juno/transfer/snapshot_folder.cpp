#include "juno/transfer/snapshot_folder.hpp"

#include <fcntl.h>
#include <rapidjson/document.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "ic/error.hpp"

namespace juno::transfer {

namespace {

using ic::ErrorKind;
using ic::management::GlobalTimer;
using ic::management::SnapshotGlobal;
using Writer = rapidjson::PrettyWriter<rapidjson::StringBuffer>;

[[noreturn]] void bad(const std::string& file, const std::string& what) {
    throw ic::Error(ErrorKind::Usage, file + " is not a snapshot folder's file: " + what);
}

const rapidjson::Value& member(const rapidjson::Value& object, const char* key,
                               const std::string& file) {
    if (!object.IsObject()) bad(file, std::string("expected an object holding \"") + key + "\"");
    auto it = object.FindMember(key);
    if (it == object.MemberEnd()) bad(file, std::string("\"") + key + "\" is missing");
    return it->value;
}

std::uint64_t u64_of(const rapidjson::Value& v, const char* key, const std::string& file) {
    const auto& value = member(v, key, file);
    if (!value.IsUint64()) bad(file, std::string("\"") + key + "\" is not a whole number");
    return value.GetUint64();
}

ic::Bytes byte_array(const rapidjson::Value& v, const char* key, const std::string& file) {
    const auto& value = member(v, key, file);
    if (!value.IsArray()) bad(file, std::string("\"") + key + "\" is not an array of bytes");
    ic::Bytes out;
    out.reserve(value.Size());
    for (const auto& b : value.GetArray()) {
        if (!b.IsUint() || b.GetUint() > 255)
            bad(file, std::string("\"") + key + "\" holds a value that is not a byte");
        out.push_back(static_cast<std::uint8_t>(b.GetUint()));
    }
    return out;
}

ic::Hash hash_of(const ic::Bytes& bytes, const std::string& file, const char* what) {
    if (bytes.size() != 32) bad(file, std::string(what) + " is not 32 bytes");
    ic::Hash h{};
    std::copy(bytes.begin(), bytes.end(), h.begin());
    return h;
}

void write_bytes(Writer& w, const ic::Bytes& bytes) {
    w.StartArray();
    for (auto b : bytes) w.Uint(b);
    w.EndArray();
}

// An externally tagged unit variant is a string; one with data is {"case": data}.
void write_global(Writer& w, const SnapshotGlobal& g) {
    w.StartObject();
    switch (g.type) {
        case SnapshotGlobal::Type::I32:
            w.Key("i32");
            w.Int64(g.integer);
            break;
        case SnapshotGlobal::Type::I64:
            w.Key("i64");
            w.Int64(g.integer);
            break;
        case SnapshotGlobal::Type::F32:
            w.Key("f32");
            w.Double(g.real);
            break;
        case SnapshotGlobal::Type::F64:
            w.Key("f64");
            w.Double(g.real);
            break;
        case SnapshotGlobal::Type::V128: {
            // icp's metadata.json is serde_json of ic-management-canister-types' V128(candid::Nat);
            // Nat derives Serialize over num-bigint's BigUint, which writes its base-2^32 digits,
            // least significant first, with no high zero digit (zero is []).
            w.Key("v128");
            w.StartArray();
            const ic::Bytes& bytes = g.v128.magnitude;
            std::size_t end = bytes.size();
            while (end > 0 && bytes[end - 1] == 0) --end;
            for (std::size_t i = 0; i < end; i += 4) {
                std::uint32_t digit = 0;
                for (std::size_t k = 0; k < 4 && i + k < end; ++k)
                    digit |= static_cast<std::uint32_t>(bytes[i + k]) << (8 * k);
                w.Uint(digit);
            }
            w.EndArray();
            break;
        }
    }
    w.EndObject();
}

ic::candid::BigInt bigint_from_decimal(const std::string& text, const std::string& file) {
    if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos)
        bad(file, "a v128 global is not a decimal number");
    // Little-endian base-256 magnitude, by repeated multiply-add.
    ic::candid::BigInt out;
    for (char c : text) {
        unsigned carry = static_cast<unsigned>(c - '0');
        for (auto& byte : out.magnitude) {
            unsigned v = byte * 10u + carry;
            byte = static_cast<std::uint8_t>(v & 0xff);
            carry = v >> 8;
        }
        if (carry) out.magnitude.push_back(static_cast<std::uint8_t>(carry));
    }
    if (out.magnitude.size() > 16) bad(file, "a v128 global exceeds 128 bits");
    return out;
}

SnapshotGlobal global_from(const rapidjson::Value& v, const std::string& file) {
    if (!v.IsObject() || v.MemberCount() != 1) bad(file, "a global is not {\"<type>\": <value>}");
    const auto& [name, value] = *v.MemberBegin();
    std::string type = name.GetString();
    SnapshotGlobal g;
    if (type == "i32" || type == "i64") {
        g.type = type == "i32" ? SnapshotGlobal::Type::I32 : SnapshotGlobal::Type::I64;
        if (!value.IsInt64()) bad(file, "an " + type + " global is not an integer");
        g.integer = value.GetInt64();
        if (type == "i32" && (g.integer < INT32_MIN || g.integer > INT32_MAX))
            bad(file, "an i32 global is out of range");
    } else if (type == "f32" || type == "f64") {
        g.type = type == "f32" ? SnapshotGlobal::Type::F32 : SnapshotGlobal::Type::F64;
        if (!value.IsNumber()) bad(file, "an " + type + " global is not a number");
        g.real = value.GetDouble();
        if (type == "f32") g.real = static_cast<float>(g.real);
    } else if (type == "v128") {
        g.type = SnapshotGlobal::Type::V128;
        // What icp writes (an array of base-2^32 digits, least significant first), and the
        // other forms candid's Nat reads: an integer and a decimal string.
        if (value.IsArray()) {
            if (value.Size() > 4) bad(file, "a v128 global exceeds 128 bits");
            for (const auto& digit : value.GetArray()) {
                if (!digit.IsUint()) bad(file, "a v128 global's digit is not a 32-bit number");
                for (int k = 0; k < 4; ++k)
                    g.v128.magnitude.push_back(
                        static_cast<std::uint8_t>(digit.GetUint() >> (8 * k)));
            }
        } else if (value.IsUint64()) {
            g.v128 = ic::candid::BigInt::from_u64(value.GetUint64());
        } else if (value.IsString()) {
            g.v128 = bigint_from_decimal(value.GetString(), file);
        } else {
            bad(file, "a v128 global is not a number");
        }
        while (!g.v128.magnitude.empty() && g.v128.magnitude.back() == 0)
            g.v128.magnitude.pop_back();
    } else {
        bad(file, "a global has the unknown type \"" + type + "\"");
    }
    return g;
}

}  // namespace

std::string blob_file(SnapshotBlob blob) { return std::string(to_string(blob)) + ".bin"; }

std::string chunk_file(const ic::Hash& hash) {
    return std::string(chunk_store_dir) + "/" + ic::to_hex(hash) + ".bin";
}

std::string metadata_to_json(const SnapshotMetadata& m) {
    rapidjson::StringBuffer buffer;
    Writer w(buffer);
    w.SetIndent(' ', 2);
    w.StartObject();
    w.Key("source");
    w.StartObject();
    w.Key(m.source.c_str());
    w.Null();
    w.EndObject();
    w.Key("taken_at_timestamp");
    w.Uint64(m.taken_at_timestamp);
    w.Key("wasm_module_size");
    w.Uint64(m.wasm_module_size);
    w.Key("globals");
    w.StartArray();
    for (const auto& g : m.globals) write_global(w, g);
    w.EndArray();
    w.Key("wasm_memory_size");
    w.Uint64(m.wasm_memory_size);
    w.Key("stable_memory_size");
    w.Uint64(m.stable_memory_size);
    w.Key("wasm_chunk_store");
    w.StartArray();
    for (const auto& h : m.wasm_chunk_store) {
        w.StartObject();
        w.Key("hash");
        write_bytes(w, ic::to_bytes(h));
        w.EndObject();
    }
    w.EndArray();
    w.Key("canister_version");
    w.Uint64(m.canister_version);
    w.Key("certified_data");
    write_bytes(w, m.certified_data);
    w.Key("global_timer");
    if (!m.global_timer) {
        w.Null();
    } else if (m.global_timer->active) {
        w.StartObject();
        w.Key("active");
        w.Uint64(m.global_timer->at);
        w.EndObject();
    } else {
        w.String("inactive");
    }
    w.Key("on_low_wasm_memory_hook_status");
    if (m.on_low_wasm_memory_hook_status) {
        w.String(m.on_low_wasm_memory_hook_status->c_str());
    } else {
        w.Null();
    }
    w.EndObject();
    return std::string(buffer.GetString(), buffer.GetSize()) + "\n";
}

SnapshotMetadata metadata_from_json(std::string_view text, const std::string& file) {
    rapidjson::Document doc;
    doc.Parse(text.data(), text.size());
    if (doc.HasParseError() || !doc.IsObject()) bad(file, "not a JSON object");
    SnapshotMetadata m;
    const auto& source = member(doc, "source", file);
    std::string source_name;
    if (source.IsString()) {
        source_name = source.GetString();
    } else if (source.IsObject() && source.MemberCount() == 1) {
        source_name = source.MemberBegin()->name.GetString();
    }
    if (source_name != "taken_from_canister" && source_name != "metadata_upload")
        bad(file, "\"source\" is neither taken_from_canister nor metadata_upload");
    m.source = source_name;
    m.taken_at_timestamp = u64_of(doc, "taken_at_timestamp", file);
    m.wasm_module_size = u64_of(doc, "wasm_module_size", file);
    m.wasm_memory_size = u64_of(doc, "wasm_memory_size", file);
    m.stable_memory_size = u64_of(doc, "stable_memory_size", file);
    m.canister_version = u64_of(doc, "canister_version", file);
    const auto& globals = member(doc, "globals", file);
    if (!globals.IsArray()) bad(file, "\"globals\" is not an array");
    for (const auto& g : globals.GetArray()) {
        // icp writes null for a global it could not parse; such a snapshot cannot be uploaded.
        if (g.IsNull()) bad(file, "\"globals\" holds a global icp could not read (null)");
        m.globals.push_back(global_from(g, file));
    }
    const auto& store = member(doc, "wasm_chunk_store", file);
    if (!store.IsArray()) bad(file, "\"wasm_chunk_store\" is not an array");
    for (const auto& entry : store.GetArray()) {
        m.wasm_chunk_store.push_back(
            hash_of(byte_array(entry, "hash", file), file, "a wasm_chunk_store hash"));
    }
    m.certified_data = byte_array(doc, "certified_data", file);
    if (auto it = doc.FindMember("global_timer"); it != doc.MemberEnd() && !it->value.IsNull()) {
        GlobalTimer t;
        if (it->value.IsString() && std::string(it->value.GetString()) == "inactive") {
            t.active = false;
        } else if (it->value.IsObject() && it->value.HasMember("active") &&
                   it->value["active"].IsUint64()) {
            t.active = true;
            t.at = it->value["active"].GetUint64();
        } else {
            bad(file, "\"global_timer\" is neither \"inactive\" nor {\"active\": <ns>}");
        }
        m.global_timer = t;
    }
    if (auto it = doc.FindMember("on_low_wasm_memory_hook_status");
        it != doc.MemberEnd() && !it->value.IsNull()) {
        std::string status = it->value.IsString() ? it->value.GetString() : "";
        if (status != "condition_not_satisfied" && status != "ready" && status != "executed")
            bad(file, "\"on_low_wasm_memory_hook_status\" is not a known state");
        m.on_low_wasm_memory_hook_status = status;
    }
    return m;
}

std::string manifest_to_json(const Manifest& manifest) {
    rapidjson::StringBuffer buffer;
    Writer w(buffer);
    w.SetIndent(' ', 2);
    w.StartObject();
    w.Key("format");
    w.Int(manifest_format);
    w.Key("canister_id");
    w.String(manifest.canister_id.c_str());
    w.Key("snapshot_id");
    w.String(ic::to_hex(manifest.snapshot_id).c_str());
    w.Key("taken_at_timestamp");
    w.Uint64(manifest.taken_at_timestamp);
    w.Key("files");
    w.StartArray();
    for (const auto& f : manifest.files) {
        w.StartObject();
        w.Key("name");
        w.String(f.name.c_str());
        w.Key("size");
        w.Uint64(f.size);
        w.Key("sha256");
        w.String(ic::to_hex(f.sha256).c_str());
        w.EndObject();
    }
    w.EndArray();
    w.EndObject();
    return std::string(buffer.GetString(), buffer.GetSize()) + "\n";
}

Manifest manifest_from_json(std::string_view text, const std::string& file) {
    rapidjson::Document doc;
    doc.Parse(text.data(), text.size());
    if (doc.HasParseError() || !doc.IsObject()) bad(file, "not a JSON object");
    const auto& format = member(doc, "format", file);
    if (!format.IsInt() || format.GetInt() != manifest_format) {
        bad(file, "its format is not " + std::to_string(manifest_format) +
                      " (written by another juno-helper version?)");
    }
    Manifest m;
    const auto& canister = member(doc, "canister_id", file);
    const auto& snapshot = member(doc, "snapshot_id", file);
    if (!canister.IsString() || !snapshot.IsString())
        bad(file, "\"canister_id\" or \"snapshot_id\" is not text");
    m.canister_id = canister.GetString();
    try {
        m.snapshot_id = ic::from_hex(snapshot.GetString());
    } catch (const ic::Error&) {
        bad(file, "\"snapshot_id\" is not hex");
    }
    m.taken_at_timestamp = u64_of(doc, "taken_at_timestamp", file);
    const auto& files = member(doc, "files", file);
    if (!files.IsArray()) bad(file, "\"files\" is not an array");
    for (const auto& f : files.GetArray()) {
        FileEntry entry;
        const auto& name = member(f, "name", file);
        const auto& sha = member(f, "sha256", file);
        if (!name.IsString() || !sha.IsString()) bad(file, "a file's name or sha256 is not text");
        entry.name = name.GetString();
        // Names stay inside the folder: no absolute paths, no "..".
        if (entry.name.empty() || entry.name.front() == '/' ||
            entry.name.find("..") != std::string::npos) {
            bad(file, "it names a file outside the folder: " + entry.name);
        }
        entry.size = u64_of(f, "size", file);
        try {
            entry.sha256 = hash_of(ic::from_hex(sha.GetString()), file, "a file's sha256");
        } catch (const ic::Error&) {
            bad(file, "the sha256 of " + entry.name + " is not 64 hex digits");
        }
        m.files.push_back(std::move(entry));
    }
    return m;
}

std::vector<DataFile> data_files(const SnapshotMetadata& metadata) {
    std::vector<DataFile> out;
    for (auto blob : all_blobs) {
        std::uint64_t size = metadata.size_of(blob);
        if (size > 0) out.push_back(DataFile{blob_file(blob), blob, {}, size});
    }
    for (const auto& h : metadata.wasm_chunk_store) {
        out.push_back(DataFile{chunk_file(h), std::nullopt, h, std::nullopt});
    }
    return out;
}

FileEntry hash_file(const std::filesystem::path& folder, const std::string& name) {
    std::filesystem::path path = folder / name;
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        throw ic::Error(ErrorKind::Usage,
                        "cannot read " + path.string() + ": " + std::strerror(errno));
    }
    ic::Sha256 hasher;
    FileEntry entry;
    entry.name = name;
    std::vector<std::uint8_t> buffer(1 << 20);
    while (true) {
        ssize_t n = ::read(fd, buffer.data(), buffer.size());
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            int err = errno;
            ::close(fd);
            throw ic::Error(ErrorKind::Usage,
                            "cannot read " + path.string() + ": " + std::strerror(err));
        }
        if (n == 0) break;
        hasher.update(ic::ByteView(buffer.data(), static_cast<std::size_t>(n)));
        entry.size += static_cast<std::uint64_t>(n);
    }
    ::close(fd);
    entry.sha256 = hasher.finish();
    return entry;
}

std::string read_text_file(const std::filesystem::path& path, std::size_t limit) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw ic::Error(ErrorKind::Usage, "cannot read " + path.string());
    std::string text;
    char buffer[65536];
    while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
        text.append(buffer, static_cast<std::size_t>(in.gcount()));
        if (text.size() > limit) {
            throw ic::Error(ErrorKind::Usage,
                            path.string() + " is larger than " + std::to_string(limit) + " bytes");
        }
    }
    return text;
}

void write_file_atomically(const std::filesystem::path& path, std::string_view text) {
    std::filesystem::path temporary = path;
    temporary += ".tmp";
    int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    auto failed = [&](const char* what) {
        int err = errno;
        if (fd >= 0) ::close(fd);
        throw ic::Error(ErrorKind::Usage, std::string("cannot ") + what + " " + temporary.string() +
                                              ": " + std::strerror(err));
    };
    if (fd < 0) failed("create");
    std::size_t done = 0;
    while (done < text.size()) {
        ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) failed("write");
        done += static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0) failed("flush");
    ::close(fd);
    fd = -1;
    std::error_code ec;
    std::filesystem::rename(temporary, path, ec);
    if (ec)
        throw ic::Error(ErrorKind::Usage, "cannot write " + path.string() + ": " + ec.message());
}

}  // namespace juno::transfer
