#include "cli/commands.hpp"

#include "cli/output.hpp"
#include "ic/agent.hpp"
#include "ic/error.hpp"
#include "ic/management.hpp"

namespace cli {

namespace {

using ic::ErrorKind;
using ic::fail;

std::vector<FlagSpec> with_connection(std::vector<FlagSpec> extra) {
    std::vector<FlagSpec> flags = connection_flags();
    flags.insert(flags.end(), extra.begin(), extra.end());
    return flags;
}

const ic::Principal& require_canister(const Connection& connection) {
    if (!connection.canister) {
        fail(ErrorKind::Usage, "no canister given: pass --canister <principal> or --config <module.json>");
    }
    return *connection.canister;
}

ic::Agent make_agent(const Connection& connection) {
    return ic::Agent(load_identity(connection),
                     agent_options(connection, [](const std::string& text) { Output::notice(text); }));
}

int run_status(const ParsedFlags& flags) {
    Connection connection = resolve_connection(flags);
    const ic::Principal& canister = require_canister(connection);
    ic::Agent agent = make_agent(connection);
    ic::management::ManagementCanister management(agent);
    ic::management::CanisterStatus status = management.canister_status(canister);

    Output out(flags.has("json"));
    std::string hash = status.module_hash ? ic::to_hex(*status.module_hash) : "";
    if (out.json()) {
        auto& doc = out.document();
        auto& a = out.allocator();
        doc.AddMember("canister_id", json_string(canister.to_text(), a), a);
        doc.AddMember("status", json_string(ic::management::to_string(status.status), a), a);
        doc.AddMember("version", status.version, a);
        if (status.module_hash) doc.AddMember("module_hash", json_string(hash, a), a);
        else doc.AddMember("module_hash", rapidjson::Value(), a);
        rapidjson::Value controllers(rapidjson::kArrayType);
        for (const auto& c : status.controllers) controllers.PushBack(json_string(c.to_text(), a), a);
        doc.AddMember("controllers", controllers, a);
        // Cycles and memory are nats that can exceed what JSON numbers carry exactly.
        doc.AddMember("cycles", json_string(status.cycles.to_string(), a), a);
        doc.AddMember("memory_size", json_string(status.memory_size.to_string(), a), a);
    } else {
        std::string controllers;
        for (const auto& c : status.controllers) {
            if (!controllers.empty()) controllers += ", ";
            controllers += c.to_text();
        }
        out.row("canister", canister.to_text() +
                                (connection.module_name.empty() ? "" : " (" + connection.module_name + ")"));
        out.row("status", ic::management::to_string(status.status));
        out.row("module hash", status.module_hash ? hash : "(no module installed)");
        out.row("version", std::to_string(status.version));
        out.row("controllers", controllers.empty() ? "(none)" : controllers);
        out.row("cycles", status.cycles.to_string());
        out.row("memory", status.memory_size.to_string() + " bytes");
    }
    out.flush();
    return 0;
}

}  // namespace

const std::vector<Command>& commands() {
    static const std::vector<Command> table = {
        {"status", "print a module's run status, module hash, version and controllers",
         with_connection({}), run_status},
    };
    return table;
}

}  // namespace cli
