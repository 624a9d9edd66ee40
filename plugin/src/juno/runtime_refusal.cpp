#include "juno/runtime_refusal.hpp"

namespace juno {

namespace {

// The trap message of Motoko's runtime (motoko/rts, enhanced orthogonal persistence) when the new
// program's stable types are not compatible with those in the kept Wasm memory.
constexpr const char* kMotokoIncompatible = "RTS error: Memory-incompatible program upgrade";

}  // namespace

std::optional<RuntimeRefusal> runtime_refusal(const ic::Error& error) {
    auto* reject = dynamic_cast<const ic::RejectError*>(&error);
    if (!reject) return std::nullopt;
    if (reject->reject_message().find(kMotokoIncompatible) != std::string::npos) {
        return RuntimeRefusal::MotokoStableVariables;
    }
    return std::nullopt;
}

std::string refusal_advice(RuntimeRefusal refusal, const std::string& upgrade_command) {
    switch (refusal) {
        case RuntimeRefusal::MotokoStableVariables:
            return " The new module's Motoko runtime checked the new actor's stable variables "
                   "against "
                   "those the running version keeps and found them not compatible (a stable "
                   "variable "
                   "whose type changed to one that cannot hold the old value, for instance); "
                   "skipping "
                   "pre_upgrade cannot help. Keep each stable variable's type (or change it to a "
                   "supertype), or migrate the state explicitly (Motoko's `(with migration = "
                   "...)`), "
                   "then build and run the upgrade again: " +
                   upgrade_command;
    }
    return {};  // every refusal has its advice above
}

}  // namespace juno
