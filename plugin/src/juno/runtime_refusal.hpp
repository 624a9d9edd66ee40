// An upgrade that the new module's language runtime refused: it found the state the installed
// version keeps incompatible with the new version's, and trapped in its start function. No retry
// and no skipped pre_upgrade can get past such a refusal; only a build whose state is compatible.
#pragma once

#include <optional>
#include <string>

#include "ic/error.hpp"

namespace juno {

enum class RuntimeRefusal {
    // Motoko's check of the new actor's stable variables against those the installed one keeps
    // (with enhanced orthogonal persistence, in the new module's start function): a stable field
    // whose type changed incompatibly, for instance.
    MotokoStableVariables,
};

// The refusal `error` (the IC's reject of install_code) reports, if any. The IC passes the
// runtime's reason on only as the text of the trap, so that is what is read.
std::optional<RuntimeRefusal> runtime_refusal(const ic::Error& error);

// What to tell the user about `refusal`, as one or more sentences beginning with a space; ends with
// `upgrade_command`, which runs the upgrade again.
std::string refusal_advice(RuntimeRefusal refusal, const std::string& upgrade_command);

}  // namespace juno
