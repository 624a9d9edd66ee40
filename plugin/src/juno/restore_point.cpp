#include "juno/restore_point.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <fstream>
#include <sstream>

#include "ic/error.hpp"

namespace juno {

namespace {

std::int64_t now_seconds() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

}  // namespace

std::filesystem::path restore_point_path(const std::filesystem::path& state_dir,
                                         const ic::Principal& canister) {
    return state_dir / (canister.to_text() + ".restore-point.json");
}

void save_restore_point(const std::filesystem::path& state_dir, const RestorePoint& point) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
    w.StartObject();
    w.Key("canister_id");
    w.String(point.canister.to_text().c_str());
    w.Key("snapshot_id");
    w.String(ic::to_hex(point.snapshot.id).c_str());
    w.Key("taken_at");
    w.Uint64(point.snapshot.taken_at_timestamp);
    w.Key("total_size");
    w.Uint64(point.snapshot.total_size);
    w.Key("kept_existing");
    w.Bool(point.kept_existing);
    w.Key("version_at_snapshot");
    w.Uint64(point.version_at_snapshot);
    w.Key("written_at");
    w.Int64(now_seconds());
    w.EndObject();

    std::error_code ec;
    std::filesystem::create_directories(state_dir, ec);
    auto path = restore_point_path(state_dir, point.canister);
    auto temp = path;
    temp += ".tmp";
    {
        std::ofstream out(temp, std::ios::binary | std::ios::trunc);
        out << buffer.GetString();
        if (!out) {
            throw ic::Error(ic::ErrorKind::Usage, "cannot write " + temp.string());
        }
    }
    std::filesystem::rename(temp, path, ec);
    if (ec)
        throw ic::Error(ic::ErrorKind::Usage,
                        "cannot write " + path.string() + ": " + ec.message());
}

std::optional<RestorePoint> load_restore_point(const std::filesystem::path& state_dir,
                                               const ic::Principal& canister,
                                               std::chrono::seconds max_age) {
    std::ifstream in(restore_point_path(state_dir, canister), std::ios::binary);
    if (!in) return std::nullopt;
    std::stringstream text;
    text << in.rdbuf();
    rapidjson::Document doc;
    doc.Parse(text.str().c_str());
    if (doc.HasParseError() || !doc.IsObject()) return std::nullopt;
    auto str = [&](const char* key) -> std::optional<std::string> {
        auto it = doc.FindMember(key);
        if (it == doc.MemberEnd() || !it->value.IsString()) return std::nullopt;
        return std::string(it->value.GetString());
    };
    auto u64 = [&](const char* key) -> std::optional<std::uint64_t> {
        auto it = doc.FindMember(key);
        if (it == doc.MemberEnd() || !it->value.IsUint64()) return std::nullopt;
        return it->value.GetUint64();
    };
    auto id = str("canister_id");
    auto snapshot = str("snapshot_id");
    auto taken_at = u64("taken_at");
    auto size = u64("total_size");
    auto version = u64("version_at_snapshot");
    auto written = doc.FindMember("written_at");
    auto kept = doc.FindMember("kept_existing");
    if (!id || !snapshot || !taken_at || !size || !version || written == doc.MemberEnd() ||
        !written->value.IsInt64() || kept == doc.MemberEnd() || !kept->value.IsBool()) {
        return std::nullopt;
    }
    if (*id != canister.to_text()) return std::nullopt;
    if (now_seconds() - written->value.GetInt64() > max_age.count()) return std::nullopt;
    RestorePoint point;
    point.canister = canister;
    try {
        point.snapshot.id = ic::from_hex(*snapshot);
    } catch (const ic::Error&) {
        return std::nullopt;
    }
    point.snapshot.taken_at_timestamp = *taken_at;
    point.snapshot.total_size = *size;
    point.kept_existing = kept->value.GetBool();
    point.version_at_snapshot = *version;
    point.written_at = written->value.GetInt64();
    return point;
}

void forget_restore_point(const std::filesystem::path& state_dir, const ic::Principal& canister) {
    std::error_code ec;
    std::filesystem::remove(restore_point_path(state_dir, canister), ec);
}

}  // namespace juno
