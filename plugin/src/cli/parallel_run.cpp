#include "cli/parallel_run.hpp"

#include <fcntl.h>
#include <poll.h>
#include <rapidjson/document.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>
#include <signal.h>
#include <spawn.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <iomanip>
#include <sstream>

#include "cli/module_board.hpp"
#include "cli/one_module_choices.hpp"
#include "cli/options.hpp"
#include "ic/error.hpp"
#include "ic/principal.hpp"
#include "juno/console.hpp"
#include "juno/file_descriptor.hpp"
#include "juno/interrupt.hpp"
#include "juno/module.hpp"

extern char** environ;

namespace cli {

namespace {

using ic::ErrorKind;
using ic::fail;
using Clock = std::chrono::steady_clock;

using Fd = juno::FileDescriptor;

// Both ends close on exec: a module's run must not hold another's pipes open.
std::array<Fd, 2> make_pipe() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) {
        fail(ErrorKind::Usage, std::string("cannot make a pipe: ") + std::strerror(errno));
    }
    return {Fd(fds[0]), Fd(fds[1])};
}

// The signals this process forwards arrive through a pipe, so that the poll loop sees them.
int signal_pipe_write = -1;
std::atomic<int> first_signal{0};

extern "C" void on_parent_signal(int signal) {
    int expected = 0;
    first_signal.compare_exchange_strong(expected, signal);
    unsigned char byte = static_cast<unsigned char>(signal);
    int saved = errno;
    [[maybe_unused]] ssize_t n = ::write(signal_pipe_write, &byte, 1);
    errno = saved;
}

// Writes everything, unless the reader has gone (then reports it, once, through `broken`).
void write_all(int fd, const std::string& text, bool& broken) {
    const char* data = text.data();
    std::size_t left = text.size();
    while (left > 0) {
        ssize_t n = ::write(fd, data, left);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            broken = true;
            return;
        }
        data += n;
        left -= static_cast<std::size_t>(n);
    }
}

std::string self_executable() {
    std::array<char, 4096> buffer{};
    ssize_t n = ::readlink("/proc/self/exe", buffer.data(), buffer.size() - 1);
    if (n <= 0) fail(ErrorKind::Usage, "cannot find this program's own path (/proc/self/exe)");
    return std::string(buffer.data(), static_cast<std::size_t>(n));
}

bool stderr_is_terminal() {
    const char* term = std::getenv("TERM");
    return ::isatty(STDERR_FILENO) == 1 && !(term && std::string(term) == "dumb");
}

std::size_t terminal_width() {
    winsize size{};
    if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
    return 80;
}

unsigned parse_jobs(const std::string& value, const char* source) {
    if (value.empty() || value.size() > 2 ||
        value.find_first_not_of("0123456789") != std::string::npos || std::stoi(value) < 1 ||
        std::stoi(value) > 64) {
        fail(
            ErrorKind::Usage,
            std::string(source) + " must be a number of modules from 1 to 64, got '" + value + "'");
    }
    return static_cast<unsigned>(std::stoi(value));
}

struct ModuleRun {
    ModuleConfig config;
    juno::Module module;  // for the commands the summary prints
    pid_t pid = -1;
    Fd out;
    Fd err;
    bool started = false;
    bool done = false;
    int exit_status = 0;
    std::string json_output;  // its stdout, with --json
};

juno::Module module_for(const ModuleConfig& config) {
    juno::Module module;
    module.name = config.name;
    module.build_dir = config.build_dir.value_or("");
    module.build_config = config.build_config.value_or("");
    module.config_path = config.path.string();
    if (config.canister_id) module.canister = ic::Principal::from_text(*config.canister_id);
    return module;
}

std::string seconds_text(Clock::duration elapsed) {
    std::ostringstream out;
    out << std::fixed << std::setprecision(1) << std::chrono::duration<double>(elapsed).count()
        << " s";
    return out.str();
}

class Runner {
public:
    explicit Runner(const ParallelRun& run) : run_(run) {
        for (const auto& path : run.configs) {
            ModuleRun m;
            m.config = read_module_config(path);
            m.module = module_for(m.config);
            if (m.config.name.empty()) m.config.name = m.config.canister_id.value_or(path);
            modules_.push_back(std::move(m));
        }
        // The status area needs a real terminal and the console's tty mode (not --quiet,
        // JUNO_PROGRESS=plain or none); each module's run draws its progress the matching way.
        mode_ = juno::console().mode();
        live_ = mode_ == juno::ProgressMode::Tty && stderr_is_terminal() && !run.json;
        std::vector<std::string> names;
        for (const auto& m : modules_) names.push_back(m.config.name);
        board_.emplace(std::move(names), live_, live_ ? terminal_width() : 80);
        executable_ = self_executable();
    }

    int go() {
        auto began = Clock::now();
        install_signal_forwarding();
        unsigned jobs = std::min<unsigned>(run_.jobs, static_cast<unsigned>(modules_.size()));
        if (mode_ != juno::ProgressMode::None) {
            board_->notice(run_.command + ": " + std::to_string(modules_.size()) + " modules, " +
                           std::to_string(jobs) + " at a time");
        }
        flush(true);
        std::size_t next = 0;
        std::size_t running = 0;
        auto last_draw = Clock::now();
        while (true) {
            while (!stopping() && running < jobs && next < modules_.size()) {
                start(next++);
                ++running;
            }
            if (running == 0) break;
            poll_once(running);
            bool redraw = Clock::now() - last_draw >= std::chrono::milliseconds(100);
            flush(redraw);
            if (redraw) last_draw = Clock::now();
        }
        restore_signals();
        return finish(Clock::now() - began);
    }

private:
    bool stopping() const { return first_signal.load() != 0 || output_broken_; }

    void install_signal_forwarding() {
        std::array<Fd, 2> pipe = make_pipe();
        ::fcntl(pipe[1].get(), F_SETFL, O_NONBLOCK);
        signal_read_ = std::move(pipe[0]);
        signal_write_ = std::move(pipe[1]);
        signal_pipe_write = signal_write_.get();
        struct sigaction action {};
        action.sa_handler = on_parent_signal;
        sigemptyset(&action.sa_mask);
        action.sa_flags = SA_RESTART;
        for (int signal : {SIGINT, SIGTERM, SIGHUP}) sigaction(signal, &action, nullptr);
        // A reader that went away is noticed on write (EPIPE) and told to the modules' runs.
        struct sigaction ignore {};
        ignore.sa_handler = SIG_IGN;
        sigemptyset(&ignore.sa_mask);
        sigaction(SIGPIPE, &ignore, nullptr);
    }

    void restore_signals() { juno::interrupt::install(); }

    void start(std::size_t index) {
        ModuleRun& m = modules_[index];
        std::array<Fd, 2> out = make_pipe();
        std::array<Fd, 2> err = make_pipe();

        std::vector<std::string> args = {executable_, run_.command, "--config",
                                         m.config.path.string()};
        args.insert(args.end(), run_.flags.begin(), run_.flags.end());
        if (run_.json) args.push_back("--json");
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);

        // The runs' progress: the byte protocol the board reads, live or as a few plain lines.
        std::vector<std::string> env;
        for (char** e = environ; *e; ++e) {
            if (!std::string_view(*e).starts_with("JUNO_PROGRESS=")) env.emplace_back(*e);
        }
        const char* progress = live_ ? "tty" : mode_ == juno::ProgressMode::None ? "none" : "plain";
        env.push_back(std::string("JUNO_PROGRESS=") + progress);
        std::vector<char*> envp;
        for (auto& e : env) envp.push_back(e.data());
        envp.push_back(nullptr);

        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
        posix_spawn_file_actions_adddup2(&actions, out[1].get(), STDOUT_FILENO);
        posix_spawn_file_actions_adddup2(&actions, err[1].get(), STDERR_FILENO);
        posix_spawnattr_t attributes;
        posix_spawnattr_init(&attributes);
        // Its own process group: a Ctrl-C reaches it once, through this process.
        posix_spawnattr_setpgroup(&attributes, 0);
        sigset_t defaults;
        sigemptyset(&defaults);
        for (int signal : {SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGUSR1, SIGUSR2}) {
            sigaddset(&defaults, signal);
        }
        posix_spawnattr_setsigdefault(&attributes, &defaults);
        // Blocked until the run's handlers are in place (juno::interrupt::install unblocks them).
        sigset_t blocked;
        sigemptyset(&blocked);
        sigaddset(&blocked, SIGUSR1);
        sigaddset(&blocked, SIGUSR2);
        posix_spawnattr_setsigmask(&attributes, &blocked);
        posix_spawnattr_setflags(
            &attributes, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
        pid_t pid = -1;
        int rc = ::posix_spawn(&pid, executable_.c_str(), &actions, &attributes, argv.data(),
                               envp.data());
        posix_spawn_file_actions_destroy(&actions);
        posix_spawnattr_destroy(&attributes);
        m.started = true;
        board_->started(index);
        if (rc != 0) {
            board_->output(index, Stream::Err,
                           std::string("juno-helper: error: cannot start its run: ") +
                               std::strerror(rc) + "; nothing was done to the module\n");
            board_->finished(index);
            m.done = true;
            m.exit_status = ic::exit_code(ErrorKind::Usage);
            ++spawn_failures_;
            return;
        }
        m.pid = pid;
        m.out = std::move(out[0]);
        m.err = std::move(err[0]);
    }

    // Each run counts a signal once, even when it was sent to it directly as well.
    void forward(int signal) {
        bool again = forwarded_;
        forwarded_ = true;
        for (auto& m : modules_) {
            if (m.started && !m.done && m.pid > 0) juno::interrupt::pass_on(m.pid, signal, again);
        }
    }

    void poll_once(std::size_t& running) {
        // A run that failed to start is done already.
        if (spawn_failures_ > 0) {
            running -= spawn_failures_;
            spawn_failures_ = 0;
            return;
        }
        std::vector<pollfd> fds;
        std::vector<std::pair<std::size_t, Stream>> owners;
        fds.push_back({signal_read_.get(), POLLIN, 0});
        owners.push_back({0, Stream::Out});
        for (std::size_t i = 0; i < modules_.size(); ++i) {
            auto& m = modules_[i];
            if (!m.started || m.done) continue;
            if (m.out) {
                fds.push_back({m.out.get(), POLLIN, 0});
                owners.push_back({i, Stream::Out});
            }
            if (m.err) {
                fds.push_back({m.err.get(), POLLIN, 0});
                owners.push_back({i, Stream::Err});
            }
        }
        int ready = ::poll(fds.data(), fds.size(), live_ ? 100 : 1000);
        if (ready < 0) return;  // EINTR: the signal byte is read next time
        if (fds[0].revents & POLLIN) {
            unsigned char signals[16];
            ssize_t n = ::read(signal_read_.get(), signals, sizeof signals);
            for (ssize_t k = 0; k < n; ++k) on_signal(signals[k]);
        }
        std::array<char, 65536> buffer{};
        for (std::size_t k = 1; k < fds.size(); ++k) {
            if (!(fds[k].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            auto [index, stream] = owners[k];
            ModuleRun& m = modules_[index];
            Fd& fd = stream == Stream::Out ? m.out : m.err;
            ssize_t n = ::read(fd.get(), buffer.data(), buffer.size());
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) {
                fd.reset();
            } else if (stream == Stream::Out && run_.json) {
                m.json_output.append(buffer.data(), static_cast<std::size_t>(n));
            } else {
                board_->output(index, stream,
                               std::string_view(buffer.data(), static_cast<std::size_t>(n)));
            }
        }
        for (std::size_t i = 0; i < modules_.size(); ++i) {
            auto& m = modules_[i];
            if (!m.started || m.done || m.out || m.err) continue;
            int status = 0;
            while (::waitpid(m.pid, &status, 0) < 0 && errno == EINTR) {
            }
            m.done = true;
            m.exit_status = WIFEXITED(status)     ? WEXITSTATUS(status)
                            : WIFSIGNALED(status) ? 128 + WTERMSIG(status)
                                                  : 1;
            board_->finished(i);
            --running;
        }
    }

    void on_signal(int signal) {
        ++signals_seen_;
        const char* name = juno::interrupt::signal_name(signal);
        if (signals_seen_ == 1) {
            board_->notice(std::string(name) +
                           " received: each module's run finishes its current step and puts its "
                           "module back; no module is started anew. Send it again to make them "
                           "exit at once");
        } else {
            board_->notice(std::string(name) + " again: telling each module's run to exit at once");
        }
        forward(signal);
    }

    void flush(bool redraw) {
        for (auto& chunk : board_->take(redraw)) emit(chunk);
    }

    void emit(const Chunk& chunk) {
        bool broken = false;
        write_all(chunk.stream == Stream::Out ? STDOUT_FILENO : STDERR_FILENO, chunk.text, broken);
        if (broken && !output_broken_) {
            // As a single run treats SIGPIPE: the work ends at the next safe point.
            output_broken_ = true;
            forward(SIGPIPE);
        }
    }

    int finish(Clock::duration elapsed) {
        for (auto& chunk : board_->close()) emit(chunk);
        std::size_t ok = 0;
        std::vector<std::size_t> failed;
        std::vector<std::size_t> not_started;
        for (std::size_t i = 0; i < modules_.size(); ++i) {
            if (!modules_[i].started)
                not_started.push_back(i);
            else if (modules_[i].exit_status == 0)
                ++ok;
            else
                failed.push_back(i);
        }
        std::string summary = run_.command + ": " + std::to_string(ok) + " of " +
                              std::to_string(modules_.size()) + " modules done in " +
                              seconds_text(elapsed);
        if (!failed.empty()) {
            summary += "; failed:";
            for (auto i : failed) {
                summary += " " + modules_[i].config.name + " (exit " +
                           std::to_string(modules_[i].exit_status) + ")";
            }
        }
        // --quiet: the summary only when something needs telling.
        bool quiet = mode_ == juno::ProgressMode::None;
        if (!quiet || !failed.empty() || !not_started.empty() || first_signal.load() != 0) {
            emit({Stream::Err, "juno-helper: " + summary + "\n"});
        }
        for (auto i : failed) {
            for (const auto& text : board_->error_lines(i)) {
                emit({Stream::Err, "juno-helper: " + modules_[i].config.name + ": " + text + "\n"});
            }
        }
        if (!not_started.empty()) {
            std::string text = "juno-helper: not started, so nothing was done to them:";
            for (auto i : not_started) text += " " + modules_[i].config.name;
            text += ". Run them with: ";
            bool first = true;
            for (auto i : not_started) {
                text += (first ? "" : "; ") + modules_[i].module.command_for(run_.command);
                first = false;
            }
            emit({Stream::Err, text + "\n"});
        }
        if (run_.json) print_json();
        if (int signal = first_signal.load()) return 128 + signal;
        for (const auto& m : modules_) {
            if (m.started && m.exit_status != 0) return m.exit_status;
        }
        return 0;
    }

    void print_json() {
        rapidjson::Document doc;
        doc.SetObject();
        auto& a = doc.GetAllocator();
        rapidjson::Value list(rapidjson::kArrayType);
        for (const auto& m : modules_) {
            rapidjson::Value item(rapidjson::kObjectType);
            item.AddMember("module", rapidjson::Value(m.config.name.c_str(), a), a);
            item.AddMember("config", rapidjson::Value(m.config.path.string().c_str(), a), a);
            item.AddMember("started", m.started, a);
            if (m.started)
                item.AddMember("exit_code", m.exit_status, a);
            else
                item.AddMember("exit_code", rapidjson::Value(), a);
            rapidjson::Document result;
            result.Parse(m.json_output.c_str());
            rapidjson::Value copy;
            if (!result.HasParseError()) copy.CopyFrom(result, a);
            item.AddMember("result", copy, a);
            list.PushBack(item, a);
        }
        doc.AddMember("command", rapidjson::Value(run_.command.c_str(), a), a);
        doc.AddMember("modules", list, a);
        rapidjson::StringBuffer buffer;
        rapidjson::PrettyWriter<rapidjson::StringBuffer> writer(buffer);
        writer.SetIndent(' ', 2);
        doc.Accept(writer);
        emit({Stream::Out, std::string(buffer.GetString()) + "\n"});
    }

    const ParallelRun& run_;
    std::vector<ModuleRun> modules_;
    std::optional<ModuleBoard> board_;
    std::string executable_;
    juno::ProgressMode mode_ = juno::ProgressMode::Plain;
    bool live_ = false;
    bool output_broken_ = false;
    unsigned signals_seen_ = 0;
    bool forwarded_ = false;
    std::size_t spawn_failures_ = 0;
    Fd signal_read_;
    Fd signal_write_;
};

}  // namespace

std::optional<ParallelRun> parallel_run_of(const std::string& command,
                                           const std::vector<std::string>& args) {
    ParallelRun run;
    run.command = command;
    std::optional<std::string> jobs;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        auto value_of = [&](const char* flag) -> std::optional<std::string> {
            std::string name = std::string("--") + flag;
            if (arg == name) {
                if (i + 1 >= args.size()) return std::nullopt;
                return args[++i];
            }
            if (arg.starts_with(name + "=")) return arg.substr(name.size() + 1);
            return std::nullopt;
        };
        if (arg == "--config" || arg.starts_with("--config=")) {
            if (auto v = value_of("config"))
                run.configs.push_back(*v);
            else
                fail(ErrorKind::Usage, "flag '--config' needs a value <module.json>");
        } else if (arg == "--jobs" || arg.starts_with("--jobs=")) {
            jobs = value_of("jobs");
            if (!jobs) fail(ErrorKind::Usage, "flag '--jobs' needs a value <n>");
        } else if (arg == "--json") {
            run.json = true;
        } else {
            run.flags.push_back(arg);
        }
    }
    if (run.configs.size() < 2) {
        if (jobs) fail(ErrorKind::Usage, "--jobs is for several modules (several --config)");
        return std::nullopt;
    }
    for (const auto& flag : run.flags) {
        if (flag == "--canister" || flag.starts_with("--canister=")) {
            fail(ErrorKind::Usage,
                 "--canister names one module; it cannot go with several --config files");
        }
    }
    refuse_one_module_choices(command, run.flags, process_environment());
    if (jobs) {
        run.jobs = parse_jobs(*jobs, "--jobs");
    } else if (const char* env = std::getenv("JUNO_JOBS"); env && *env) {
        run.jobs = parse_jobs(env, "JUNO_JOBS");
    }
    return run;
}

int run_in_parallel(const ParallelRun& run) { return Runner(run).go(); }

}  // namespace cli
