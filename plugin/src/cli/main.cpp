// juno-helper: the native half of juno-cmake. Each CMake target runs one command of it.
#include <malloc.h>

#include <iostream>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "cli/parallel_run.hpp"
#include "cli/terminal.hpp"
#include "ic/error.hpp"
#include "juno/interrupt.hpp"

namespace {

constexpr const char* version = "0.1.0";

void print_usage(std::ostream& out) {
    out << "usage: juno-helper <command> [flags]\n\ncommands:\n";
    for (const auto& command : cli::commands()) {
        out << "  " << command.name << std::string(10 - std::string(command.name).size(), ' ')
            << command.summary << '\n';
    }
    out << "\nRun 'juno-helper <command> --help' for its flags.\n";
}

void print_command_help(const cli::Command& command) {
    std::cout << "usage: juno-helper " << command.name << " [flags]\n\n"
              << command.summary << "\n\nflags:\n";
    for (const auto& flag : command.flags) {
        std::string left =
            std::string("--") + flag.name + (flag.takes_value ? " " : "") + flag.value_name;
        std::cout << "  " << left << std::string(left.size() < 28 ? 28 - left.size() : 1, ' ')
                  << flag.help << '\n';
    }
}

}  // namespace

int main(int argc, char** argv) {
    // One malloc arena for every thread: a snapshot transfer's threads each allocate and free 2 MB
    // slices, and glibc's per-thread arenas each kept their own peak, so the peak RSS was the sum
    // of the threads' (67-76 MiB for 8 slices in flight) rather than what is live (about 41 MiB).
    // Big allocations are few, so the shared arena's lock costs nothing measurable.
#ifdef M_ARENA_MAX
    mallopt(M_ARENA_MAX, 1);
#endif
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
        print_usage(args.empty() ? std::cerr : std::cout);
        return args.empty() ? 2 : 0;
    }
    if (args[0] == "--version") {
        std::cout << "juno-helper " << version << '\n';
        return 0;
    }
    bool json = false;
    bool quiet = false;
    for (const auto& arg : args) {
        json = json || arg == "--json";
        quiet = quiet || arg == "--quiet";
    }
    juno::interrupt::install();
    try {
        cli::configure_console(quiet);
        for (const auto& command : cli::commands()) {
            if (args[0] != command.name) continue;
            std::vector<std::string> rest(args.begin() + 1, args.end());
            for (const auto& arg : rest) {
                if (arg == "--help" || arg == "-h") {
                    print_command_help(command);
                    return 0;
                }
            }
            if (command.per_module) {
                if (auto run = cli::parallel_run_of(command.name, rest)) {
                    cli::parse_flags(run->flags, command.flags);  // a bad flag starts nothing
                    return cli::run_in_parallel(*run);
                }
            }
            return command.run(cli::parse_flags(rest, command.flags));
        }
        throw ic::Error(ic::ErrorKind::Usage,
                        "unknown command '" + args[0] + "'; run 'juno-helper --help'");
    } catch (const ic::Interrupted& error) {
        cli::Output::error(error, json);
        return 128 + error.signal();
    } catch (const ic::Error& error) {
        cli::Output::error(error, json);
        // An interruption told through another error (the restart after it failed too) still
        // exits with 128 + the signal, so that make and shells stop.
        if (error.kind() == ic::ErrorKind::Interrupted && juno::interrupt::pending() != 0) {
            return 128 + juno::interrupt::pending();
        }
        return ic::exit_code(error.kind());
    } catch (const std::exception& error) {
        cli::Output::error(
            ic::Error(ic::ErrorKind::Protocol, std::string("internal error: ") + error.what()),
            json);
        return 1;
    }
}
