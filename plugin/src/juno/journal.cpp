#include "juno/journal.hpp"

#include <rapidjson/document.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <sstream>
#include <utility>

#include "ic/error.hpp"
#include "juno/json_fields.hpp"
#include "juno/state_files.hpp"

namespace juno {

namespace {

constexpr std::array<std::pair<Step, const char*>, 9> step_names{{
    {Step::Begin, "begin"},
    {Step::UploadChunks, "upload_chunks"},
    {Step::Stop, "stop"},
    {Step::TakeSnapshot, "take_snapshot"},
    {Step::LoadSnapshot, "load_snapshot"},
    {Step::Install, "install"},
    {Step::Start, "start"},
    {Step::ClearChunkStore, "clear_chunk_store"},
    {Step::DeleteSnapshot, "delete_snapshot"},
}};

using Writer = rapidjson::PrettyWriter<rapidjson::StringBuffer>;

CanisterRunState run_state_from(const std::string& text, const std::string& source) {
    if (text == "running") return CanisterRunState::Running;
    if (text == "stopping") return CanisterRunState::Stopping;
    if (text == "stopped") return CanisterRunState::Stopped;
    throw ic::Error(ic::ErrorKind::Usage, source + ": unknown run status '" + text + "'");
}

}  // namespace

const char* to_string(Step step) {
    for (const auto& [value, name] : step_names) {
        if (value == step) return name;
    }
    return "unknown";
}

std::optional<Step> step_from_string(const std::string& text) {
    for (const auto& [value, name] : step_names) {
        if (text == name) return value;
    }
    return std::nullopt;
}

std::string to_json(const JournalRecord& r) {
    rapidjson::StringBuffer buffer;
    Writer w(buffer);
    w.StartObject();
    w.Key("journal");
    w.Uint(1);
    w.Key("command");
    w.String(r.command.c_str());
    w.Key("pid");
    w.Int64(r.pid);
    w.Key("started_at");
    w.Uint64(r.started_at);
    w.Key("network");
    w.String(r.network.c_str());
    w.Key("canister_id");
    w.String(r.canister.c_str());
    w.Key("found");
    w.StartObject();
    w.Key("status");
    w.String(ic::management::to_string(r.found.status));
    write_optional_hex(w, "module_hash", r.found.module_hash);
    w.Key("version");
    w.Uint64(r.found.version);
    w.EndObject();
    w.Key("step");
    w.String(to_string(r.step));
    w.Key("stopped_by_helper");
    w.Bool(r.stopped_by_helper);
    w.Key("chunks_uploaded");
    w.Bool(r.chunks_uploaded);
    w.Key("work_done");
    w.Bool(r.work_done);
    w.Key("restore_point");
    if (r.restore_point) {
        w.StartObject();
        w.Key("id");
        w.String(ic::to_hex(r.restore_point->id).c_str());
        w.Key("taken_at");
        w.Uint64(r.restore_point->taken_at_timestamp);
        w.Key("total_size");
        w.Uint64(r.restore_point->total_size);
        w.EndObject();
    } else {
        w.Null();
    }
    write_optional_hex(w, "may_replace", r.may_replace);
    write_optional_hex(w, "snapshot", r.snapshot);
    write_optional_hex(w, "new_module_hash", r.new_module_hash);
    w.Key("request");
    if (r.request_id) {
        w.StartObject();
        w.Key("method");
        w.String(r.request_method.c_str());
        w.Key("id");
        w.String(ic::to_hex(*r.request_id).c_str());
        w.Key("expiry");
        w.Uint64(r.request_expiry);
        w.EndObject();
    } else {
        w.Null();
    }
    w.EndObject();
    return std::string(buffer.GetString(), buffer.GetSize()) + "\n";
}

JournalRecord journal_from_json(const std::string& text, const std::string& source) {
    auto bad = [&](const std::string& why) -> ic::Error {
        return ic::Error(ic::ErrorKind::Usage,
                         source + " is not a juno-helper journal (" + why +
                             "). Move it away and check the module with juno-helper status.");
    };
    rapidjson::Document doc;
    doc.Parse(text.c_str(), text.size());
    if (doc.HasParseError() || !doc.IsObject()) throw bad("not a JSON object");
    auto member = [&](const rapidjson::Value& object, const char* key) -> const rapidjson::Value& {
        auto it = object.FindMember(key);
        if (it == object.MemberEnd()) throw bad(std::string("no '") + key + "'");
        return it->value;
    };
    auto string = [&](const rapidjson::Value& object, const char* key) {
        const auto& v = member(object, key);
        if (!v.IsString()) throw bad(std::string("'") + key + "' is not a string");
        return std::string(v.GetString(), v.GetStringLength());
    };
    auto u64 = [&](const rapidjson::Value& object, const char* key) {
        const auto& v = member(object, key);
        if (!v.IsUint64()) throw bad(std::string("'") + key + "' is not a number");
        return v.GetUint64();
    };
    auto boolean = [&](const char* key) {
        const auto& v = member(doc, key);
        if (!v.IsBool()) throw bad(std::string("'") + key + "' is not true or false");
        return v.GetBool();
    };
    auto hex = [&](const rapidjson::Value& object, const char* key) -> std::optional<ic::Bytes> {
        const auto& v = member(object, key);
        if (v.IsNull()) return std::nullopt;
        if (!v.IsString()) throw bad(std::string("'") + key + "' is not hex");
        try {
            return ic::from_hex(v.GetString());
        } catch (const ic::Error&) {
            throw bad(std::string("'") + key + "' is not hex");
        }
    };
    if (u64(doc, "journal") != 1) throw bad("an unknown journal version");
    JournalRecord r;
    r.command = string(doc, "command");
    const auto& pid = member(doc, "pid");
    if (!pid.IsInt64()) throw bad("'pid' is not a number");
    r.pid = static_cast<long>(pid.GetInt64());
    r.started_at = u64(doc, "started_at");
    r.network = string(doc, "network");
    r.canister = string(doc, "canister_id");
    const auto& found = member(doc, "found");
    if (!found.IsObject()) throw bad("'found' is not an object");
    r.found.status = run_state_from(string(found, "status"), source);
    r.found.module_hash = hex(found, "module_hash");
    r.found.version = u64(found, "version");
    auto step = step_from_string(string(doc, "step"));
    if (!step) throw bad("an unknown step");
    r.step = *step;
    r.stopped_by_helper = boolean("stopped_by_helper");
    r.chunks_uploaded = boolean("chunks_uploaded");
    r.work_done = boolean("work_done");
    const auto& point = member(doc, "restore_point");
    if (!point.IsNull()) {
        if (!point.IsObject()) throw bad("'restore_point' is not an object");
        ic::management::Snapshot s;
        auto id = hex(point, "id");
        if (!id) throw bad("'restore_point.id' is missing");
        s.id = *id;
        s.taken_at_timestamp = u64(point, "taken_at");
        s.total_size = u64(point, "total_size");
        r.restore_point = s;
    }
    r.may_replace = hex(doc, "may_replace");
    r.snapshot = hex(doc, "snapshot");
    r.new_module_hash = hex(doc, "new_module_hash");
    const auto& request = member(doc, "request");
    if (!request.IsNull()) {
        if (!request.IsObject()) throw bad("'request' is not an object");
        r.request_method = string(request, "method");
        auto id = hex(request, "id");
        if (!id || id->size() != 32) throw bad("'request.id' is not a request id");
        ic::Hash hash{};
        std::copy(id->begin(), id->end(), hash.begin());
        r.request_id = hash;
        r.request_expiry = u64(request, "expiry");
    }
    return r;
}

std::optional<JournalRecord> Journal::read() const {
    std::ifstream in(file_, std::ios::binary);
    if (!in) return std::nullopt;
    std::stringstream text;
    text << in.rdbuf();
    return journal_from_json(text.str(), file_.string());
}

void Journal::write(const JournalRecord& record) const {
    write_file_durably(file_, to_json(record));
}

void Journal::clear() const {
    std::error_code ec;
    std::filesystem::remove(file_, ec);
}

}  // namespace juno
