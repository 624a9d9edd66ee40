// The one error type of the helper: every failure a user can reach is an ic::Error, caught in main.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace ic {

// What went wrong decides the exit code, so scripts can tell a typo from an outage.
enum class ErrorKind {
    Usage,         // bad flags, bad config, unreadable files: fix the invocation
    Rejected,      // the IC (or the replica) refused the request
    Network,       // could not reach the replica, or it kept failing
    Protocol,      // the peer answered with bytes that do not follow the interface
    Verification,  // a certificate or signature did not check out
    Busy,          // another run holds the module's lock
    Interrupted,   // a signal ended the work early (exit status 128 + the signal)
};

int exit_code(ErrorKind kind);
const char* to_string(ErrorKind kind);

class Error : public std::runtime_error {
public:
    Error(ErrorKind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
    ErrorKind kind() const { return kind_; }

private:
    ErrorKind kind_;
};

// A certified or non-replicated rejection, with the IC's own codes.
class RejectError : public Error {
public:
    RejectError(std::uint64_t reject_code, std::string reject_message, std::string error_code)
        : RejectError(reject_code, reject_message, error_code,
                      describe(reject_code, reject_message, error_code)) {}
    // The same rejection told with more context (what was being done, what to do next).
    RejectError(std::uint64_t reject_code, std::string reject_message, std::string error_code,
                const std::string& full_message)
        : Error(ErrorKind::Rejected, full_message),
          reject_code_(reject_code),
          reject_message_(std::move(reject_message)),
          error_code_(std::move(error_code)) {}

    std::uint64_t reject_code() const { return reject_code_; }
    const std::string& reject_message() const { return reject_message_; }
    const std::string& error_code() const { return error_code_; }  // "IC0512", or empty
    // Whether the reject message holds `phrase` (lowercase), in any case: the IC words some
    // states only in its message, and its capitalisation is not part of the interface.
    bool mentions(std::string_view phrase) const;

private:
    static std::string describe(std::uint64_t code, const std::string& message,
                                const std::string& error_code);
    std::uint64_t reject_code_;
    std::string reject_message_;
    std::string error_code_;
};

// The replica's HTTP API refused the request before it reached execution (a status other than
// success; e.g. 403 for a read_state path the sender may not read).
class HttpStatusError : public Error {
public:
    HttpStatusError(long status, const std::string& message)
        : Error(status >= 500 ? ErrorKind::Network : ErrorKind::Rejected, message),
          status_(status) {}
    long status() const { return status_; }

private:
    long status_;
};

// The work ended early because of a signal (juno/interrupt.hpp); the exit status is 128 + it.
class Interrupted : public Error {
public:
    Interrupted(int signal, const std::string& message)
        : Error(ErrorKind::Interrupted, message), signal_(signal) {}
    int signal() const { return signal_; }

private:
    int signal_;
};

[[noreturn]] inline void fail(ErrorKind kind, const std::string& message) {
    throw Error(kind, message);
}

// Whether `error` says the identity may not do what was asked (it is not a controller, or not
// allowed to read that path), whatever code carried it: IC0512, another reject whose message says
// so (the IC answers some reads by non-controllers with IC0406 or a reject code 3), or HTTP 401 or
// 403. The IC's codes for this have changed over time, so the message is read too.
bool denies_permission(const Error& error);

// Throws `error` again with `message` in place of its own, keeping its kind and, for a
// rejection or an interruption, its type and fields.
[[noreturn]] void rethrow_with_message(const Error& error, const std::string& message);

}  // namespace ic
