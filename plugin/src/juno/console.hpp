// What the helper writes on stderr: notices, warnings and errors as permanent lines, and a meter
// for byte transfers (chunk uploads, snapshot transfers), drawn as the terminal, a pipe or --quiet
// asks. One Console serves the whole process (console()); it is safe to use from any thread.
//
// The byte protocol, which a parent process reading stderr through a pipe may rely on:
//   - every permanent line (notice, warning, error, a meter's start/end in plain mode, a meter's
//     final line in tty mode) ends with "\n";
//   - in tty mode a meter update is "\r" <status> "\x1b[K", with no "\n"; the current status is
//     the text after the last "\r" (with "\x1b[K" removed);
//   - a permanent line printed while a meter is drawn is "\r\x1b[K" <line> "\n" followed by the
//     meter's update again; a meter's final line is "\r" <line> "\x1b[K\n";
//   - each update and each line (with its clearing and redraw) is one write(2), so a reader never
//     sees half of one unless it is longer than the pipe's atomic size (PIPE_BUF, 4096 bytes).
// Plain mode writes only "\n"-terminated lines without "\r" or escape codes; none mode writes
// only warnings and errors.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

namespace juno {

enum class ProgressMode {
    Tty,    // one updating status line per transfer
    Plain,  // a few permanent lines per transfer (a pipe, a CI log)
    None,   // --quiet: no meter, no notices; warnings and errors only
};

class Console;

// One byte transfer being shown; from Console::start. Movable, not copyable. add() may be called
// from any thread. Destroyed without finish() (an exception ended the transfer), it prints where
// the transfer stopped.
class Meter {
public:
    Meter(Meter&& other) noexcept;
    Meter& operator=(Meter&&) = delete;
    Meter(const Meter&) = delete;
    Meter& operator=(const Meter&) = delete;
    ~Meter();

    // `bytes` more were transferred (not the running total).
    void add(std::uint64_t bytes);
    // The transfer completed: prints its final line (bytes, time, average rate). Once only; later
    // calls do nothing.
    void finish();

private:
    friend class Console;
    Meter(Console* console, std::uint64_t id) : console_(console), id_(id) {}
    Console* console_;  // null once finished or moved from
    std::uint64_t id_;
};

class Console {
public:
    using Clock = std::function<std::chrono::steady_clock::time_point()>;
    // Receives each piece of output whole (one update or one line with its redraw).
    using Sink = std::function<void(const std::string&)>;

    // `width`: the terminal's columns, to keep a tty status line from wrapping; 0: unknown.
    Console(
        ProgressMode mode, bool colour, Sink sink,
        Clock clock = [] { return std::chrono::steady_clock::now(); }, std::size_t width = 0);
    Console(const Console&) = delete;
    Console& operator=(const Console&) = delete;

    // Changes how the output is drawn (main does it once, after reading the flags).
    void configure(ProgressMode mode, bool colour, std::size_t width);
    ProgressMode mode() const;

    // "juno-helper: <text>"; dropped in none mode.
    void notice(const std::string& text);
    // "juno-helper: warning: <text>" ("warning:" in yellow with colour); in every mode.
    void warning(const std::string& text);
    // "juno-helper: error: <text>" ("error:" in bold red with colour); in every mode.
    void error(const std::string& text);

    // Starts showing a transfer of `total_bytes` (0: unknown) under `label`, e.g. "uploading
    // 5.24 MB module in 6 chunks". Several may be active; the line shows the newest.
    Meter start(std::string label, std::uint64_t total_bytes);

    // A tty status line is redrawn at most this often; the rate is smoothed over about
    // rate_window; plain mode prints a line at most every plain_interval and every quarter.
    static constexpr std::chrono::milliseconds redraw_interval{100};
    static constexpr std::chrono::milliseconds rate_window{3000};
    static constexpr std::chrono::milliseconds plain_interval{10000};

private:
    friend class Meter;
    using TimePoint = std::chrono::steady_clock::time_point;
    struct Transfer {
        std::uint64_t id = 0;
        std::string label;
        std::uint64_t total = 0;
        std::uint64_t done = 0;
        TimePoint started;
        TimePoint last_draw;
        TimePoint last_sample;
        std::uint64_t sampled = 0;  // `done` at last_sample
        double window_bytes = 0;    // bytes and seconds sampled, decayed by age
        double window_seconds = 0;
        double rate = 0;             // smoothed bytes per second; 0 until the first sample
        TimePoint last_line;         // plain mode: the last line printed
        std::uint64_t quarters = 0;  // plain mode: quarters reported so far
    };

    void add(std::uint64_t id, std::uint64_t bytes);
    void finish(std::uint64_t id, bool completed);
    // Writes `line` (a "\n" is added) as a permanent line, keeping the status line below it.
    void print_line(const std::string& line);
    std::string status_text(const Transfer& transfer) const;
    std::string fit(std::string text) const;
    Transfer* find(std::uint64_t id);

    mutable std::mutex mutex_;
    ProgressMode mode_;
    bool colour_;
    Sink sink_;
    Clock clock_;
    std::size_t width_;
    std::vector<Transfer> transfers_;  // active; the last one is the one drawn
    std::uint64_t next_id_ = 1;
    bool drawn_ = false;  // tty: the current line shows a status (to clear before a line)
};

// The process's console, on stderr. Until configured: plain, without colour.
Console& console();

// "1.28 MB/s"; "-" for a rate not known yet (0 or less).
std::string format_rate(double bytes_per_second);
// A duration for people: "0.4 s", "4.1 s", "42 s", "2 min 05 s", "1 h 02 min".
std::string format_duration(std::chrono::milliseconds duration);

}  // namespace juno
