#include "juno/records.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <fstream>
#include <sstream>

#include "ic/error.hpp"
#include "juno/json_fields.hpp"
#include "juno/state_files.hpp"

namespace juno {

namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void write_snapshot(Writer& w, const Snapshot& s) {
    w.StartObject();
    w.Key("id");
    w.String(ic::to_hex(s.id).c_str());
    w.Key("taken_at");
    w.Uint64(s.taken_at_timestamp);
    w.Key("total_size");
    w.Uint64(s.total_size);
    w.EndObject();
}

std::optional<rapidjson::Document> read_json(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return std::nullopt;
    std::stringstream text;
    text << in.rdbuf();
    rapidjson::Document doc;
    doc.Parse(text.str().c_str());
    if (doc.HasParseError() || !doc.IsObject()) return std::nullopt;
    return doc;
}

// Field readers: nullopt when missing or of another type.
std::optional<std::uint64_t> u64(const rapidjson::Value& v, const char* key) {
    auto it = v.FindMember(key);
    if (it == v.MemberEnd() || !it->value.IsUint64()) return std::nullopt;
    return it->value.GetUint64();
}

// A hex field: nullopt when missing or not hex; `null_ok` lets JSON null mean "none".
std::optional<std::optional<ic::Bytes>> hex(const rapidjson::Value& v, const char* key) {
    auto it = v.FindMember(key);
    if (it == v.MemberEnd()) return std::nullopt;
    if (it->value.IsNull()) return std::optional<ic::Bytes>{};
    if (!it->value.IsString()) return std::nullopt;
    try {
        return std::optional<ic::Bytes>{ic::from_hex(it->value.GetString())};
    } catch (const ic::Error&) {
        return std::nullopt;
    }
}

std::optional<Snapshot> snapshot_from(const rapidjson::Value& v) {
    if (!v.IsObject()) return std::nullopt;
    auto id = hex(v, "id");
    auto taken_at = u64(v, "taken_at");
    auto size = u64(v, "total_size");
    if (!id || !*id || !taken_at || !size) return std::nullopt;
    Snapshot s;
    s.id = **id;
    s.taken_at_timestamp = *taken_at;
    s.total_size = *size;
    return s;
}

}  // namespace

void save_backup_record(const std::filesystem::path& file, const BackupRecord& record) {
    rapidjson::StringBuffer buffer;
    Writer w(buffer);
    w.StartObject();
    w.Key("backup");
    write_snapshot(w, record.snapshot);
    write_optional_hex(w, "module_hash", record.module_hash);
    w.Key("version_after");
    w.Uint64(record.version_after);
    w.EndObject();
    write_file_durably(file, std::string(buffer.GetString(), buffer.GetSize()) + "\n");
}

std::optional<BackupRecord> load_backup_record(const std::filesystem::path& file) {
    auto doc = read_json(file);
    if (!doc) return std::nullopt;
    auto backup = doc->FindMember("backup");
    if (backup == doc->MemberEnd()) return std::nullopt;
    auto snapshot = snapshot_from(backup->value);
    auto hash = hex(*doc, "module_hash");
    auto version = u64(*doc, "version_after");
    if (!snapshot || !hash || !version) return std::nullopt;
    return BackupRecord{*snapshot, *hash, *version};
}

void save_upgrade_record(const std::filesystem::path& file, const UpgradeRecord& pending) {
    rapidjson::StringBuffer buffer;
    Writer w(buffer);
    w.StartObject();
    w.Key("restore_point");
    if (pending.restore_point) {
        write_snapshot(w, *pending.restore_point);
    } else {
        w.Null();
    }
    write_optional_hex(w, "new_module_hash", pending.new_module_hash);
    write_optional_hex(w, "previous_module_hash", pending.previous_module_hash);
    w.Key("completed");
    w.Bool(pending.completed);
    write_optional_hex(w, "install_arg_sha256", pending.install_arg_hash);
    w.EndObject();
    write_file_durably(file, std::string(buffer.GetString(), buffer.GetSize()) + "\n");
}

std::optional<UpgradeRecord> load_upgrade_record(const std::filesystem::path& file) {
    auto doc = read_json(file);
    if (!doc) return std::nullopt;
    UpgradeRecord pending;
    auto point = doc->FindMember("restore_point");
    if (point == doc->MemberEnd()) return std::nullopt;
    if (!point->value.IsNull()) {
        pending.restore_point = snapshot_from(point->value);
        if (!pending.restore_point) return std::nullopt;
    }
    auto next = hex(*doc, "new_module_hash");
    auto previous = hex(*doc, "previous_module_hash");
    if (!next || !*next || !previous) return std::nullopt;
    pending.new_module_hash = **next;
    pending.previous_module_hash = *previous;
    auto completed = doc->FindMember("completed");
    if (completed == doc->MemberEnd() || !completed->value.IsBool()) return std::nullopt;
    pending.completed = completed->value.GetBool();
    if (doc->HasMember("install_arg_sha256")) {  // absent from older records
        auto arg = hex(*doc, "install_arg_sha256");
        if (!arg) return std::nullopt;
        pending.install_arg_hash = *arg;
    }
    return pending;
}

void forget_record(const std::filesystem::path& file) {
    std::error_code ec;
    std::filesystem::remove(file, ec);
}

std::optional<Snapshot> still_listed(const std::vector<Snapshot>& backups, const ic::Bytes& id) {
    for (const auto& backup : backups) {
        if (backup.id == id) return backup;
    }
    return std::nullopt;
}

std::optional<Snapshot> still_listed(const std::vector<Snapshot>& backups,
                                     const Snapshot& snapshot) {
    return still_listed(backups, snapshot.id);
}

}  // namespace juno
