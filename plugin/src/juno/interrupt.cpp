#include "juno/interrupt.hpp"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <thread>

namespace juno::interrupt {

namespace {

std::atomic<int> first_signal{0};
// Whether someone sent a signal (not a broken pipe): only a second such signal exits at once.
std::atomic<bool> signal_sent{false};
// Whether the first signal was passed on by a parent running several modules (on_signal).
std::atomic<bool> first_from_parent{false};

// The exit notice lives in two fixed buffers; the handler reads the one `current` names, and the
// writer fills the other before switching, so the handler never sees a half-written text.
constexpr std::size_t notice_capacity = 2048;
std::array<std::array<char, notice_capacity>, 2> notices{};
std::array<std::size_t, 2> notice_lengths{};
std::atomic<int> current_notice{0};

void write_all(const char* text, std::size_t length) {
    while (length > 0) {
        ssize_t n = ::write(STDERR_FILENO, text, length);
        if (n <= 0) return;
        text += n;
        length -= static_cast<std::size_t>(n);
    }
}

void write_text(const char* text) { write_all(text, std::strlen(text)); }

// The first signal: remembered, the work ends at the next safe point.
void first(int signal) {
    int expected = 0;
    if (first_signal.compare_exchange_strong(expected, signal) && signal != SIGPIPE) {
        write_text("\njuno-helper: ");
        write_text(signal_name(signal));
        write_text(
            " received: finishing the current step and putting the module back; send "
            "it again to exit at once\n");
    }
}

[[noreturn]] void exit_at_once(int signal) {
    write_text("\njuno-helper: ");
    write_text(signal_name(signal));
    write_text(" again: exiting at once.\n");
    int index = current_notice.load();
    write_all(notices[static_cast<std::size_t>(index)].data(),
              notice_lengths[static_cast<std::size_t>(index)]);
    ::_exit(128 + signal);
}

extern "C" void on_signal(int signal, siginfo_t* info, void*) {
    // From a juno-helper that runs several modules (cli/parallel_run.hpp), carrying the signal it
    // received: SIGUSR1 for the first, SIGUSR2 for a later one. A signal sent to every process of
    // the tree (some CI runners do) and passed on by that parent as well thus counts once.
    if (signal == SIGUSR1 || signal == SIGUSR2) {
        int carried = info && info->si_code == SI_QUEUE ? info->si_value.sival_int : SIGTERM;
        if (signal == SIGUSR2 && first_signal.load() != 0) exit_at_once(carried);
        if (first_signal.load() == 0) first_from_parent.store(true);
        first(carried);
        return;
    }
    if (first_signal.load() == 0) {
        first(signal);
        return;
    }
    // The same signal, sent to this process directly after its parent passed it on.
    if (first_from_parent.exchange(false)) return;
    // A broken pipe repeats on every write; only a signal sent by someone exits at once.
    if (signal == SIGPIPE) return;
    exit_at_once(signal);
}

}  // namespace

void install() {
    struct sigaction action {};
    action.sa_sigaction = on_signal;
    sigemptyset(&action.sa_mask);
    // SA_RESTART: system calls the signal lands in go on; the work checks pending() itself.
    action.sa_flags = SA_RESTART | SA_SIGINFO;
    for (int signal : {SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGUSR1, SIGUSR2}) {
        sigaction(signal, &action, nullptr);
    }
    // A parent running several modules starts each run with SIGUSR1 and SIGUSR2 blocked, so that
    // one passed on before this point waits for the handler instead of ending the process.
    sigset_t passed_on;
    sigemptyset(&passed_on);
    sigaddset(&passed_on, SIGUSR1);
    sigaddset(&passed_on, SIGUSR2);
    pthread_sigmask(SIG_UNBLOCK, &passed_on, nullptr);
}

int pending() { return first_signal.load(); }

void pass_on(int pid, int signal, bool again) {
    union sigval value {};
    value.sival_int = signal;
    ::sigqueue(static_cast<pid_t>(pid), again ? SIGUSR2 : SIGUSR1, value);
}

const char* signal_name(int signal) {
    switch (signal) {
        case SIGINT:
            return "SIGINT";
        case SIGTERM:
            return "SIGTERM";
        case SIGHUP:
            return "SIGHUP";
        case SIGPIPE:
            return "SIGPIPE";
        default:
            return "a signal";
    }
}

void set_exit_notice(const std::string& text) {
    int next = 1 - current_notice.load();
    auto& buffer = notices[static_cast<std::size_t>(next)];
    std::size_t length = std::min(text.size(), notice_capacity - 1);
    std::memcpy(buffer.data(), text.data(), length);
    if (length > 0 && buffer[length - 1] != '\n') buffer[length++] = '\n';
    notice_lengths[static_cast<std::size_t>(next)] = std::min(length, notice_capacity);
    current_notice.store(next);
}

void checkpoint() {
    if (int signal = pending()) {
        throw ic::Interrupted(signal, std::string("interrupted by ") + signal_name(signal));
    }
}

void sleep_for(std::chrono::milliseconds duration) {
    auto until = std::chrono::steady_clock::now() + duration;
    while (std::chrono::steady_clock::now() < until) {
        checkpoint();
        std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
            std::chrono::milliseconds(100), until - std::chrono::steady_clock::now()));
    }
    checkpoint();
}

void reset() {
    first_signal.store(0);
    signal_sent.store(false);
    first_from_parent.store(false);
}

}  // namespace juno::interrupt
