#include "ic/error.hpp"

namespace ic {

std::string RejectError::describe(std::uint64_t code, const std::string& message,
                                  const std::string& error_code) {
    std::string out = "the IC rejected the call";
    if (!error_code.empty()) out += " with " + error_code;
    out += " (reject code " + std::to_string(code) + "): " + message;
    return out;
}

void rethrow_with_message(const Error& error, const std::string& message) {
    if (auto* reject = dynamic_cast<const RejectError*>(&error)) {
        throw RejectError(reject->reject_code(), reject->reject_message(), reject->error_code(),
                          message);
    }
    if (auto* interrupted = dynamic_cast<const Interrupted*>(&error)) {
        throw Interrupted(interrupted->signal(), message);
    }
    throw Error(error.kind(), message);
}

int exit_code(ErrorKind kind) {
    switch (kind) {
        case ErrorKind::Usage:
            return 2;
        case ErrorKind::Rejected:
            return 3;
        case ErrorKind::Network:
            return 4;
        case ErrorKind::Protocol:
            return 5;
        case ErrorKind::Verification:
            return 6;
        case ErrorKind::Busy:
            return 7;
        case ErrorKind::Interrupted:
            return 130;  // main uses 128 + the actual signal
    }
    return 1;
}

const char* to_string(ErrorKind kind) {
    switch (kind) {
        case ErrorKind::Usage:
            return "usage";
        case ErrorKind::Rejected:
            return "rejected";
        case ErrorKind::Network:
            return "network";
        case ErrorKind::Protocol:
            return "protocol";
        case ErrorKind::Verification:
            return "verification";
        case ErrorKind::Busy:
            return "busy";
        case ErrorKind::Interrupted:
            return "interrupted";
    }
    return "unknown";
}

}  // namespace ic
