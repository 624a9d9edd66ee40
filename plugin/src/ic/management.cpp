#include "ic/management.hpp"

#include "ic/agent.hpp"
#include "ic/error.hpp"

namespace ic::management {

namespace c = candid;

namespace {

// ---- types from the IC's ic.did, as much of each as the helper sends ----

c::TypePtr canister_id_record() { return c::t::record({{"canister_id", c::t::principal()}}); }

c::TypePtr install_mode_type() {
    auto persistence = c::t::variant({{"keep", c::t::null()}, {"replace", c::t::null()}});
    auto upgrade_options = c::t::record({{"skip_pre_upgrade", c::t::opt(c::t::bool_())},
                                         {"wasm_memory_persistence", c::t::opt(persistence)}});
    return c::t::variant({{"install", c::t::null()},
                          {"reinstall", c::t::null()},
                          {"upgrade", c::t::opt(upgrade_options)}});
}

// upgrade = null when no option is set (what every IC version accepts), else the options record.
c::Value install_mode_value(InstallMode mode, bool keep_wasm_memory, bool skip_pre_upgrade) {
    switch (mode) {
        case InstallMode::Install:
            return c::Value::variant("install");
        case InstallMode::Reinstall:
            return c::Value::variant("reinstall");
        case InstallMode::Upgrade:
            if (!keep_wasm_memory && !skip_pre_upgrade) {
                return c::Value::variant("upgrade", c::Value::none());
            }
            return c::Value::variant(
                "upgrade",
                c::Value::some(c::Value::record(
                    {{"skip_pre_upgrade", skip_pre_upgrade ? c::Value::some(c::Value::boolean(true))
                                                           : c::Value::none()},
                     {"wasm_memory_persistence", keep_wasm_memory
                                                     ? c::Value::some(c::Value::variant("keep"))
                                                     : c::Value::none()}})));
    }
    fail(ErrorKind::Usage, "unknown install mode");
}

c::TypePtr chunk_hash_type() { return c::t::record({{"hash", c::t::blob()}}); }

c::Value blob(ByteView bytes) { return c::Value::blob(Bytes(bytes.begin(), bytes.end())); }

c::TypePtr canister_settings_type() {
    // Every field of canister_settings is optional; the helper only ever sets controllers, but
    // sends the whole type as DFINITY's clients do.
    auto visibility = c::t::variant({{"controllers", c::t::null()},
                                     {"public", c::t::null()},
                                     {"allowed_viewers", c::t::vec(c::t::principal())}});
    auto environment_variable = c::t::record({{"name", c::t::text()}, {"value", c::t::text()}});
    return c::t::record({{"controllers", c::t::opt(c::t::vec(c::t::principal()))},
                         {"compute_allocation", c::t::opt(c::t::nat())},
                         {"memory_allocation", c::t::opt(c::t::nat())},
                         {"freezing_threshold", c::t::opt(c::t::nat())},
                         {"reserved_cycles_limit", c::t::opt(c::t::nat())},
                         {"log_visibility", c::t::opt(visibility)},
                         {"snapshot_visibility", c::t::opt(visibility)},
                         {"wasm_memory_limit", c::t::opt(c::t::nat())},
                         {"wasm_memory_threshold", c::t::opt(c::t::nat())},
                         {"environment_variables", c::t::opt(c::t::vec(environment_variable))}});
}

c::Value controllers_settings(const std::vector<Principal>& controllers) {
    std::vector<c::Value> items;
    for (const auto& p : controllers) items.push_back(c::Value::principal(p));
    return c::Value::record({{"controllers", c::Value::some(c::Value::vec(std::move(items)))},
                             {"compute_allocation", c::Value::none()},
                             {"memory_allocation", c::Value::none()},
                             {"freezing_threshold", c::Value::none()},
                             {"reserved_cycles_limit", c::Value::none()},
                             {"log_visibility", c::Value::none()},
                             {"snapshot_visibility", c::Value::none()},
                             {"wasm_memory_limit", c::Value::none()},
                             {"wasm_memory_threshold", c::Value::none()},
                             {"environment_variables", c::Value::none()}});
}

// By value: the decoded vector is a temporary at every call site.
c::Value single_value(std::vector<c::Value> values, const char* method) {
    if (values.size() != 1) {
        fail(ErrorKind::Protocol, std::string(method) + " replied with " +
                                      std::to_string(values.size()) + " values instead of 1");
    }
    return std::move(values.front());
}

Snapshot snapshot_from(const c::Value& v) {
    return Snapshot{v.at("id").as_blob(), v.at("taken_at_timestamp").as_u64(),
                    v.at("total_size").as_u64()};
}

Hash hash_from(const c::Value& record) {
    const Bytes& bytes = record.at("hash").as_blob();
    if (bytes.size() != 32) fail(ErrorKind::Protocol, "a chunk hash is not 32 bytes");
    Hash h{};
    std::copy(bytes.begin(), bytes.end(), h.begin());
    return h;
}

// ---- snapshot transfer types (ic.did: read_/upload_canister_snapshot_*) ----

c::TypePtr globals_type() {
    return c::t::vec(c::t::variant({{"i32", c::t::int32()},
                                    {"i64", c::t::int64()},
                                    {"f32", c::t::float32()},
                                    {"f64", c::t::float64()},
                                    {"v128", c::t::nat()}}));
}

c::TypePtr global_timer_type() {
    return c::t::variant({{"inactive", c::t::null()}, {"active", c::t::nat64()}});
}

c::TypePtr hook_status_type() {
    return c::t::variant({{"condition_not_satisfied", c::t::null()},
                          {"ready", c::t::null()},
                          {"executed", c::t::null()}});
}

c::Value global_value(const SnapshotGlobal& g) {
    switch (g.type) {
        case SnapshotGlobal::Type::I32:
            return c::Value::variant("i32", c::Value::fixed_int(g.integer));
        case SnapshotGlobal::Type::I64:
            return c::Value::variant("i64", c::Value::fixed_int(g.integer));
        case SnapshotGlobal::Type::F32:
            return c::Value::variant("f32", c::Value::float32(static_cast<float>(g.real)));
        case SnapshotGlobal::Type::F64:
            return c::Value::variant("f64", c::Value::float64(g.real));
        case SnapshotGlobal::Type::V128:
            return c::Value::variant("v128", c::Value::nat(g.v128));
    }
    fail(ErrorKind::Usage, "unknown global type");
}

SnapshotGlobal global_from(const c::Value& v) {
    SnapshotGlobal g;
    const c::Value& inner = v.variant_value();
    if (v.is_variant("i32") || v.is_variant("i64")) {
        g.type = v.is_variant("i32") ? SnapshotGlobal::Type::I32 : SnapshotGlobal::Type::I64;
        g.integer = inner.as_i64();
    } else if (v.is_variant("f32")) {
        g.type = SnapshotGlobal::Type::F32;
        const float* f = std::get_if<float>(&inner.storage());
        if (!f) fail(ErrorKind::Protocol, "a snapshot's f32 global is not a float32");
        g.real = *f;
    } else if (v.is_variant("f64")) {
        g.type = SnapshotGlobal::Type::F64;
        const double* d = std::get_if<double>(&inner.storage());
        if (!d) fail(ErrorKind::Protocol, "a snapshot's f64 global is not a float64");
        g.real = *d;
    } else if (v.is_variant("v128")) {
        g.type = SnapshotGlobal::Type::V128;
        g.v128 = inner.as_bigint();
    } else {
        fail(ErrorKind::Protocol, "a snapshot lists a global of an unknown type");
    }
    return g;
}

const char* blob_case(SnapshotBlob blob) { return to_string(blob); }

}  // namespace

const char* to_string(SnapshotBlob blob) {
    switch (blob) {
        case SnapshotBlob::WasmModule:
            return "wasm_module";
        case SnapshotBlob::WasmMemory:
            return "wasm_memory";
        case SnapshotBlob::StableMemory:
            return "stable_memory";
    }
    return "unknown";
}

std::uint64_t SnapshotMetadata::size_of(SnapshotBlob blob) const {
    switch (blob) {
        case SnapshotBlob::WasmModule:
            return wasm_module_size;
        case SnapshotBlob::WasmMemory:
            return wasm_memory_size;
        case SnapshotBlob::StableMemory:
            return stable_memory_size;
    }
    return 0;
}

const char* to_string(CanisterRunState state) {
    switch (state) {
        case CanisterRunState::Running:
            return "running";
        case CanisterRunState::Stopping:
            return "stopping";
        case CanisterRunState::Stopped:
            return "stopped";
    }
    return "unknown";
}

// ---- arguments ----

Bytes canister_id_arg(const Principal& canister_id) {
    return c::encode({{canister_id_record(),
                       c::Value::record({{"canister_id", c::Value::principal(canister_id)}})}});
}

Bytes install_code_arg(const InstallCode& args) {
    auto type = c::t::record({{"mode", install_mode_type()},
                              {"canister_id", c::t::principal()},
                              {"wasm_module", c::t::blob()},
                              {"arg", c::t::blob()},
                              {"sender_canister_version", c::t::opt(c::t::nat64())}});
    auto value = c::Value::record(
        {{"mode", install_mode_value(args.mode, args.keep_wasm_memory, args.skip_pre_upgrade)},
         {"canister_id", c::Value::principal(args.canister_id)},
         {"wasm_module", blob(args.wasm_module)},
         {"arg", blob(args.arg)},
         {"sender_canister_version", c::Value::none()}});
    return c::encode({{type, value}});
}

Bytes upload_chunk_arg(const Principal& canister_id, ByteView chunk) {
    auto type = c::t::record({{"canister_id", c::t::principal()}, {"chunk", c::t::blob()}});
    auto value = c::Value::record(
        {{"canister_id", c::Value::principal(canister_id)}, {"chunk", blob(chunk)}});
    return c::encode({{type, value}});
}

Bytes install_chunked_code_arg(const InstallChunkedCode& args) {
    auto type = c::t::record({{"mode", install_mode_type()},
                              {"target_canister", c::t::principal()},
                              {"store_canister", c::t::opt(c::t::principal())},
                              {"chunk_hashes_list", c::t::vec(chunk_hash_type())},
                              {"wasm_module_hash", c::t::blob()},
                              {"arg", c::t::blob()},
                              {"sender_canister_version", c::t::opt(c::t::nat64())}});
    std::vector<c::Value> hashes;
    for (const auto& h : args.chunk_hashes) hashes.push_back(c::Value::record({{"hash", blob(h)}}));
    auto value = c::Value::record(
        {{"mode", install_mode_value(args.mode, args.keep_wasm_memory, args.skip_pre_upgrade)},
         {"target_canister", c::Value::principal(args.target_canister)},
         {"store_canister", c::Value::none()},
         {"chunk_hashes_list", c::Value::vec(std::move(hashes))},
         {"wasm_module_hash", blob(args.wasm_module_hash)},
         {"arg", blob(args.arg)},
         {"sender_canister_version", c::Value::none()}});
    return c::encode({{type, value}});
}

Bytes take_canister_snapshot_arg(const Principal& canister_id,
                                 const std::optional<Bytes>& replace_snapshot) {
    auto type = c::t::record({{"canister_id", c::t::principal()},
                              {"replace_snapshot", c::t::opt(c::t::blob())},
                              {"uninstall_code", c::t::opt(c::t::bool_())},
                              {"sender_canister_version", c::t::opt(c::t::nat64())}});
    auto value = c::Value::record(
        {{"canister_id", c::Value::principal(canister_id)},
         {"replace_snapshot",
          replace_snapshot ? c::Value::some(blob(*replace_snapshot)) : c::Value::none()},
         {"uninstall_code", c::Value::none()},
         {"sender_canister_version", c::Value::none()}});
    return c::encode({{type, value}});
}

Bytes load_canister_snapshot_arg(const Principal& canister_id, const Bytes& snapshot_id) {
    auto type = c::t::record({{"canister_id", c::t::principal()},
                              {"snapshot_id", c::t::blob()},
                              {"sender_canister_version", c::t::opt(c::t::nat64())}});
    auto value = c::Value::record({{"canister_id", c::Value::principal(canister_id)},
                                   {"snapshot_id", blob(snapshot_id)},
                                   {"sender_canister_version", c::Value::none()}});
    return c::encode({{type, value}});
}

Bytes delete_canister_snapshot_arg(const Principal& canister_id, const Bytes& snapshot_id) {
    auto type = c::t::record({{"canister_id", c::t::principal()}, {"snapshot_id", c::t::blob()}});
    auto value = c::Value::record(
        {{"canister_id", c::Value::principal(canister_id)}, {"snapshot_id", blob(snapshot_id)}});
    return c::encode({{type, value}});
}

Bytes provisional_create_canister_with_cycles_arg(std::optional<std::uint64_t> amount,
                                                  const std::vector<Principal>& controllers) {
    auto type = c::t::record({{"amount", c::t::opt(c::t::nat())},
                              {"settings", c::t::opt(canister_settings_type())},
                              {"specified_id", c::t::opt(c::t::principal())},
                              {"sender_canister_version", c::t::opt(c::t::nat64())}});
    auto value = c::Value::record(
        {{"amount", amount ? c::Value::some(c::Value::nat(*amount)) : c::Value::none()},
         {"settings", controllers.empty() ? c::Value::none()
                                          : c::Value::some(controllers_settings(controllers))},
         {"specified_id", c::Value::none()},
         {"sender_canister_version", c::Value::none()}});
    return c::encode({{type, value}});
}

Bytes read_canister_snapshot_metadata_arg(const Principal& canister_id, const Bytes& snapshot_id) {
    // The same record as delete_canister_snapshot's.
    return delete_canister_snapshot_arg(canister_id, snapshot_id);
}

namespace {

c::TypePtr read_data_arg_type() {
    auto slice = c::t::record({{"offset", c::t::nat64()}, {"size", c::t::nat64()}});
    auto kind = c::t::variant({{"wasm_module", slice},
                               {"wasm_memory", slice},
                               {"stable_memory", slice},
                               {"wasm_chunk", c::t::record({{"hash", c::t::blob()}})}});
    return c::t::record(
        {{"canister_id", c::t::principal()}, {"snapshot_id", c::t::blob()}, {"kind", kind}});
}

c::TypePtr upload_data_arg_type() {
    auto at = c::t::record({{"offset", c::t::nat64()}});
    auto kind = c::t::variant({{"wasm_module", at},
                               {"wasm_memory", at},
                               {"stable_memory", at},
                               {"wasm_chunk", c::t::null()}});
    return c::t::record({{"canister_id", c::t::principal()},
                         {"snapshot_id", c::t::blob()},
                         {"kind", kind},
                         {"chunk", c::t::blob()}});
}

Bytes data_arg(c::TypePtr type, const Principal& canister_id, const Bytes& snapshot_id,
               c::Value kind, std::optional<ByteView> chunk) {
    std::vector<std::pair<std::string, c::Value>> fields = {
        {"canister_id", c::Value::principal(canister_id)},
        {"snapshot_id", blob(snapshot_id)},
        {"kind", std::move(kind)}};
    if (chunk) fields.emplace_back("chunk", blob(*chunk));
    return c::encode({{std::move(type), c::Value::record(std::move(fields))}});
}

}  // namespace

Bytes read_canister_snapshot_data_arg(const Principal& canister_id, const Bytes& snapshot_id,
                                      SnapshotBlob which, std::uint64_t offset,
                                      std::uint64_t size) {
    auto kind = c::Value::variant(blob_case(which),
                                  c::Value::record({{"offset", c::Value::fixed_nat(offset)},
                                                    {"size", c::Value::fixed_nat(size)}}));
    return data_arg(read_data_arg_type(), canister_id, snapshot_id, std::move(kind), std::nullopt);
}

Bytes read_canister_snapshot_chunk_arg(const Principal& canister_id, const Bytes& snapshot_id,
                                       const Hash& chunk_hash) {
    auto kind = c::Value::variant("wasm_chunk", c::Value::record({{"hash", blob(chunk_hash)}}));
    return data_arg(read_data_arg_type(), canister_id, snapshot_id, std::move(kind), std::nullopt);
}

Bytes upload_canister_snapshot_data_arg(const Principal& canister_id, const Bytes& snapshot_id,
                                        SnapshotBlob which, std::uint64_t offset, ByteView chunk) {
    auto kind = c::Value::variant(blob_case(which),
                                  c::Value::record({{"offset", c::Value::fixed_nat(offset)}}));
    return data_arg(upload_data_arg_type(), canister_id, snapshot_id, std::move(kind), chunk);
}

Bytes upload_canister_snapshot_chunk_arg(const Principal& canister_id, const Bytes& snapshot_id,
                                         ByteView chunk) {
    return data_arg(upload_data_arg_type(), canister_id, snapshot_id,
                    c::Value::variant("wasm_chunk"), chunk);
}

Bytes upload_canister_snapshot_metadata_arg(const Principal& canister_id,
                                            const std::optional<Bytes>& replace_snapshot,
                                            const SnapshotMetadata& m) {
    auto type = c::t::record({{"canister_id", c::t::principal()},
                              {"replace_snapshot", c::t::opt(c::t::blob())},
                              {"wasm_module_size", c::t::nat64()},
                              {"globals", globals_type()},
                              {"wasm_memory_size", c::t::nat64()},
                              {"stable_memory_size", c::t::nat64()},
                              {"certified_data", c::t::blob()},
                              {"global_timer", c::t::opt(global_timer_type())},
                              {"on_low_wasm_memory_hook_status", c::t::opt(hook_status_type())}});
    std::vector<c::Value> globals;
    for (const auto& g : m.globals) globals.push_back(global_value(g));
    c::Value timer = c::Value::none();
    if (m.global_timer) {
        timer = c::Value::some(
            m.global_timer->active
                ? c::Value::variant("active", c::Value::fixed_nat(m.global_timer->at))
                : c::Value::variant("inactive"));
    }
    c::Value hook = m.on_low_wasm_memory_hook_status
                        ? c::Value::some(c::Value::variant(*m.on_low_wasm_memory_hook_status))
                        : c::Value::none();
    auto value = c::Value::record(
        {{"canister_id", c::Value::principal(canister_id)},
         {"replace_snapshot",
          replace_snapshot ? c::Value::some(blob(*replace_snapshot)) : c::Value::none()},
         {"wasm_module_size", c::Value::fixed_nat(m.wasm_module_size)},
         {"globals", c::Value::vec(std::move(globals))},
         {"wasm_memory_size", c::Value::fixed_nat(m.wasm_memory_size)},
         {"stable_memory_size", c::Value::fixed_nat(m.stable_memory_size)},
         {"certified_data", blob(m.certified_data)},
         {"global_timer", std::move(timer)},
         {"on_low_wasm_memory_hook_status", std::move(hook)}});
    return c::encode({{type, value}});
}

Bytes update_settings_controllers_arg(const Principal& canister_id,
                                      const std::vector<Principal>& controllers) {
    auto type = c::t::record({{"canister_id", c::t::principal()},
                              {"settings", canister_settings_type()},
                              {"sender_canister_version", c::t::opt(c::t::nat64())}});
    auto value = c::Value::record({{"canister_id", c::Value::principal(canister_id)},
                                   {"settings", controllers_settings(controllers)},
                                   {"sender_canister_version", c::Value::none()}});
    return c::encode({{type, value}});
}

// ---- replies ----

CanisterStatus decode_canister_status(ByteView reply) {
    const c::Value v = single_value(c::decode(reply), "canister_status");
    CanisterStatus out;
    const c::Value& status = v.at("status");
    if (status.is_variant("running"))
        out.status = CanisterRunState::Running;
    else if (status.is_variant("stopping"))
        out.status = CanisterRunState::Stopping;
    else if (status.is_variant("stopped"))
        out.status = CanisterRunState::Stopped;
    else
        fail(ErrorKind::Protocol, "canister_status reports an unknown status");
    if (const c::Value* version = v.find("version")) out.version = version->as_u64();
    if (const c::Value* hash = v.opt_field("module_hash")) out.module_hash = hash->as_blob();
    for (const auto& p : v.at("settings").at("controllers").as_vec()) {
        out.controllers.push_back(p.as_principal());
    }
    out.cycles = v.at("cycles").as_bigint();
    out.memory_size = v.at("memory_size").as_bigint();
    return out;
}

std::vector<Snapshot> decode_snapshots(ByteView reply) {
    std::vector<Snapshot> out;
    c::Value list = single_value(c::decode(reply), "list_canister_snapshots");
    for (const auto& item : list.as_vec()) {
        out.push_back(snapshot_from(item));
    }
    return out;
}

Snapshot decode_snapshot(ByteView reply) {
    return snapshot_from(single_value(c::decode(reply), "take_canister_snapshot"));
}

std::vector<Hash> decode_chunk_hashes(ByteView reply) {
    std::vector<Hash> out;
    c::Value list = single_value(c::decode(reply), "stored_chunks");
    for (const auto& item : list.as_vec()) {
        out.push_back(hash_from(item));
    }
    return out;
}

Hash decode_chunk_hash(ByteView reply) {
    return hash_from(single_value(c::decode(reply), "upload_chunk"));
}

Principal decode_create_canister(ByteView reply) {
    return single_value(c::decode(reply), "create_canister").at("canister_id").as_principal();
}

SnapshotMetadata decode_snapshot_metadata(ByteView reply) {
    const c::Value v = single_value(c::decode(reply), "read_canister_snapshot_metadata");
    SnapshotMetadata m;
    const c::Value& source = v.at("source");
    if (source.is_variant("taken_from_canister"))
        m.source = "taken_from_canister";
    else if (source.is_variant("metadata_upload"))
        m.source = "metadata_upload";
    else
        fail(ErrorKind::Protocol, "a snapshot's metadata names an unknown source");
    m.taken_at_timestamp = v.at("taken_at_timestamp").as_u64();
    m.wasm_module_size = v.at("wasm_module_size").as_u64();
    for (const auto& g : v.at("globals").as_vec()) m.globals.push_back(global_from(g));
    m.wasm_memory_size = v.at("wasm_memory_size").as_u64();
    m.stable_memory_size = v.at("stable_memory_size").as_u64();
    for (const auto& h : v.at("wasm_chunk_store").as_vec())
        m.wasm_chunk_store.push_back(hash_from(h));
    m.canister_version = v.at("canister_version").as_u64();
    m.certified_data = v.at("certified_data").as_blob();
    if (const c::Value* timer = v.opt_field("global_timer")) {
        GlobalTimer t;
        if (timer->is_variant("active")) {
            t.active = true;
            t.at = timer->variant_value().as_u64();
        } else if (!timer->is_variant("inactive")) {
            fail(ErrorKind::Protocol, "a snapshot's global timer is in an unknown state");
        }
        m.global_timer = t;
    }
    if (const c::Value* hook = v.opt_field("on_low_wasm_memory_hook_status")) {
        for (const char* name : {"condition_not_satisfied", "ready", "executed"}) {
            if (hook->is_variant(name)) m.on_low_wasm_memory_hook_status = name;
        }
        if (!m.on_low_wasm_memory_hook_status) {
            fail(ErrorKind::Protocol, "a snapshot's low-memory hook is in an unknown state");
        }
    }
    return m;
}

Bytes decode_snapshot_data(ByteView reply) {
    return single_value(c::decode(reply), "read_canister_snapshot_data").at("chunk").as_blob();
}

Bytes decode_uploaded_snapshot_id(ByteView reply) {
    return single_value(c::decode(reply), "upload_canister_snapshot_metadata")
        .at("snapshot_id")
        .as_blob();
}

void decode_empty(ByteView reply) {
    // Extra reply values are allowed by Candid subtyping; malformed bytes are not.
    c::decode(reply);
}

// ---- calls ----

Bytes ManagementCanister::update(const Principal& effective_canister, const char* method,
                                 Bytes arg) {
    return agent_.update(Principal::management(), effective_canister, method, arg);
}

CanisterStatus ManagementCanister::canister_status(const Principal& canister) {
    return decode_canister_status(update(canister, "canister_status", canister_id_arg(canister)));
}

void ManagementCanister::stop_canister(const Principal& canister) {
    decode_empty(update(canister, "stop_canister", canister_id_arg(canister)));
}

void ManagementCanister::start_canister(const Principal& canister) {
    decode_empty(update(canister, "start_canister", canister_id_arg(canister)));
}

void ManagementCanister::install_code(const InstallCode& args) {
    decode_empty(update(args.canister_id, "install_code", install_code_arg(args)));
}

Hash ManagementCanister::upload_chunk(const Principal& canister, ByteView chunk) {
    return decode_chunk_hash(update(canister, "upload_chunk", upload_chunk_arg(canister, chunk)));
}

std::vector<Hash> ManagementCanister::stored_chunks(const Principal& canister) {
    return decode_chunk_hashes(update(canister, "stored_chunks", canister_id_arg(canister)));
}

void ManagementCanister::clear_chunk_store(const Principal& canister) {
    decode_empty(update(canister, "clear_chunk_store", canister_id_arg(canister)));
}

void ManagementCanister::install_chunked_code(const InstallChunkedCode& args) {
    decode_empty(
        update(args.target_canister, "install_chunked_code", install_chunked_code_arg(args)));
}

Snapshot ManagementCanister::take_canister_snapshot(const Principal& canister,
                                                    const std::optional<Bytes>& replace_snapshot) {
    return decode_snapshot(update(canister, "take_canister_snapshot",
                                  take_canister_snapshot_arg(canister, replace_snapshot)));
}

void ManagementCanister::load_canister_snapshot(const Principal& canister,
                                                const Bytes& snapshot_id) {
    decode_empty(update(canister, "load_canister_snapshot",
                        load_canister_snapshot_arg(canister, snapshot_id)));
}

std::vector<Snapshot> ManagementCanister::list_canister_snapshots(const Principal& canister) {
    return decode_snapshots(update(canister, "list_canister_snapshots", canister_id_arg(canister)));
}

void ManagementCanister::delete_canister_snapshot(const Principal& canister,
                                                  const Bytes& snapshot_id) {
    decode_empty(update(canister, "delete_canister_snapshot",
                        delete_canister_snapshot_arg(canister, snapshot_id)));
}

SnapshotMetadata ManagementCanister::read_canister_snapshot_metadata(const Principal& canister,
                                                                     const Bytes& snapshot_id) {
    return decode_snapshot_metadata(
        update(canister, "read_canister_snapshot_metadata",
               read_canister_snapshot_metadata_arg(canister, snapshot_id)));
}

Bytes ManagementCanister::read_canister_snapshot_data(const Principal& canister,
                                                      const Bytes& snapshot_id, SnapshotBlob blob,
                                                      std::uint64_t offset, std::uint64_t size) {
    return decode_snapshot_data(
        update(canister, "read_canister_snapshot_data",
               read_canister_snapshot_data_arg(canister, snapshot_id, blob, offset, size)));
}

Bytes ManagementCanister::read_canister_snapshot_chunk(const Principal& canister,
                                                       const Bytes& snapshot_id,
                                                       const Hash& chunk_hash) {
    return decode_snapshot_data(
        update(canister, "read_canister_snapshot_data",
               read_canister_snapshot_chunk_arg(canister, snapshot_id, chunk_hash)));
}

Bytes ManagementCanister::upload_canister_snapshot_metadata(
    const Principal& canister, const std::optional<Bytes>& replace_snapshot,
    const SnapshotMetadata& metadata) {
    return decode_uploaded_snapshot_id(
        update(canister, "upload_canister_snapshot_metadata",
               upload_canister_snapshot_metadata_arg(canister, replace_snapshot, metadata)));
}

void ManagementCanister::upload_canister_snapshot_data(const Principal& canister,
                                                       const Bytes& snapshot_id, SnapshotBlob blob,
                                                       std::uint64_t offset, ByteView chunk) {
    decode_empty(
        update(canister, "upload_canister_snapshot_data",
               upload_canister_snapshot_data_arg(canister, snapshot_id, blob, offset, chunk)));
}

void ManagementCanister::upload_canister_snapshot_chunk(const Principal& canister,
                                                        const Bytes& snapshot_id, ByteView chunk) {
    decode_empty(update(canister, "upload_canister_snapshot_data",
                        upload_canister_snapshot_chunk_arg(canister, snapshot_id, chunk)));
}

Principal ManagementCanister::provisional_create_canister_with_cycles(
    std::optional<std::uint64_t> amount, const std::vector<Principal>& controllers) {
    // Creation may be routed through any canister id; the management canister's own id is the
    // customary choice on local replicas.
    return decode_create_canister(
        update(Principal::management(), "provisional_create_canister_with_cycles",
               provisional_create_canister_with_cycles_arg(amount, controllers)));
}

}  // namespace ic::management
