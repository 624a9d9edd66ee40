#include "cli/terminal.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdlib>
#include <optional>
#include <string>

#include "ic/error.hpp"

namespace cli {

namespace {

bool dumb(const char* term) { return term && std::string(term) == "dumb"; }

}  // namespace

juno::ProgressMode progress_mode(bool quiet, const char* juno_progress, bool stderr_is_tty,
                                 const char* term) {
    // The variable is checked even under --quiet, so that a typo in it never passes unseen.
    std::optional<juno::ProgressMode> chosen;
    if (juno_progress && *juno_progress) {
        std::string value(juno_progress);
        if (value == "tty") chosen = juno::ProgressMode::Tty;
        if (value == "plain") chosen = juno::ProgressMode::Plain;
        if (value == "none") chosen = juno::ProgressMode::None;
        if (!chosen) {
            ic::fail(
                ic::ErrorKind::Usage,
                "JUNO_PROGRESS is '" + value +
                    "'; set it to tty (one updating line), plain (a few lines per transfer) or "
                    "none (no progress), or unset it to choose by stderr");
        }
    }
    if (quiet) return juno::ProgressMode::None;
    if (chosen) return *chosen;
    return stderr_is_tty && !dumb(term) ? juno::ProgressMode::Tty : juno::ProgressMode::Plain;
}

bool use_colour(juno::ProgressMode mode, bool stderr_is_tty, const char* term,
                const char* no_color) {
    if (mode == juno::ProgressMode::Plain || !stderr_is_tty || dumb(term)) return false;
    return !(no_color && *no_color);
}

void configure_console(bool quiet) {
    const bool tty = ::isatty(STDERR_FILENO) == 1;
    const char* term = std::getenv("TERM");
    juno::ProgressMode mode = progress_mode(quiet, std::getenv("JUNO_PROGRESS"), tty, term);
    std::size_t width = 0;
    struct winsize size {};
    if (tty && ::ioctl(STDERR_FILENO, TIOCGWINSZ, &size) == 0) width = size.ws_col;
    juno::console().configure(mode, use_colour(mode, tty, term, std::getenv("NO_COLOR")), width);
}

}  // namespace cli
