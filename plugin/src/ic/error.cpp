#include "ic/error.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <string_view>

namespace ic {

std::string RejectError::describe(std::uint64_t code, const std::string& message,
                                  const std::string& error_code) {
    std::string out = "the IC rejected the call";
    if (!error_code.empty()) out += " with " + error_code;
    out += " (reject code " + std::to_string(code) + "): " + message;
    return out;
}

bool RejectError::mentions(std::string_view phrase) const {
    std::string text = reject_message_;
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text.find(phrase) != std::string::npos;
}

namespace {

// Phrases of the IC's (and boundary nodes') refusals for lack of permission, lowercased.
bool says_permission_denied(const RejectError& reject) {
    static constexpr std::array<std::string_view, 8> phrases{
        "only the controllers", "only controllers", "only a controller", "can only be requested by",
        "is not a controller",  "not authorized",   "unauthorized",      "permission denied"};
    return std::any_of(phrases.begin(), phrases.end(),
                       [&](std::string_view phrase) { return reject.mentions(phrase); });
}

}  // namespace

bool denies_permission(const Error& error) {
    if (auto* reject = dynamic_cast<const RejectError*>(&error)) {
        if (reject->error_code() == "IC0512") return true;
        // Reject codes 3 (destination invalid), 4 (canister reject) and 5 (canister error) are the
        // ones a refused caller gets; system errors (1, 2) never mean permission.
        return reject->reject_code() >= 3 && reject->reject_code() <= 5 &&
               says_permission_denied(*reject);
    }
    if (auto* http = dynamic_cast<const HttpStatusError*>(&error)) {
        return http->status() == 401 || http->status() == 403;
    }
    return false;
}

void rethrow_with_message(const Error& error, const std::string& message) {
    if (auto* http = dynamic_cast<const HttpStatusError*>(&error)) {
        throw HttpStatusError(http->status(), message);
    }
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
