// How the helper draws on stderr: the progress mode (--quiet, JUNO_PROGRESS, or what stderr is)
// and whether to colour "error:" and "warning:".
#pragma once

#include "juno/console.hpp"

namespace cli {

// --quiet: none; else JUNO_PROGRESS (tty, plain or none; unset or empty: not given; anything else
// throws ic::Error (Usage) naming the values, with --quiet too); else tty when stderr is a terminal
// and TERM is not "dumb"; else plain. `juno_progress` and `term` may be null (unset).
juno::ProgressMode progress_mode(bool quiet, const char* juno_progress, bool stderr_is_tty,
                                 const char* term);

// Colour only on a terminal (stderr), never with TERM=dumb, NO_COLOR set to anything but ""
// (https://no-color.org), or in plain mode (which promises no escape codes). JUNO_PROGRESS=tty
// through a parent's pipe is not a terminal: no colour.
bool use_colour(juno::ProgressMode mode, bool stderr_is_tty, const char* term,
                const char* no_color);

// Configures juno::console() from `quiet`, the environment and stderr. Throws ic::Error (Usage)
// for a bad JUNO_PROGRESS (the console keeps its former setting to print it).
void configure_console(bool quiet);

}  // namespace cli
