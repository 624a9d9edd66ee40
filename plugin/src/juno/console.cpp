#include "juno/console.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <utility>

#include "juno/module.hpp"

namespace juno {

namespace {

constexpr const char* prefix = "juno-helper: ";
constexpr const char* clear_to_end = "\x1b[K";

void write_stderr(const std::string& text) {
    const char* data = text.data();
    std::size_t left = text.size();
    while (left > 0) {
        ssize_t n = ::write(STDERR_FILENO, data, left);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;  // stderr is gone: nothing else can report it
        data += n;
        left -= static_cast<std::size_t>(n);
    }
}

double seconds(std::chrono::steady_clock::duration d) {
    return std::chrono::duration<double>(d).count();
}

std::string percent(std::uint64_t done, std::uint64_t total) {
    return std::to_string(std::min<std::uint64_t>(100, done * 100 / total)) + "%";
}

// "2.10 MB of 5.24 MB (40%)", or "2.10 MB" when the total is not known.
std::string amount(std::uint64_t done, std::uint64_t total) {
    if (total == 0) return format_size(done);
    return format_size(done) + " of " + format_size(total) + " (" + percent(done, total) + ")";
}

}  // namespace

std::string format_rate(double bytes_per_second) {
    if (!(bytes_per_second > 0)) return "-";
    return format_size(static_cast<std::uint64_t>(std::llround(bytes_per_second))) + "/s";
}

std::string format_duration(std::chrono::milliseconds duration) {
    auto ms = std::max<std::int64_t>(0, duration.count());
    char text[32];
    if (ms < 9950) {
        std::snprintf(text, sizeof text, "%.1f s", static_cast<double>(ms) / 1000.0);
    } else if (ms < 59500) {
        std::snprintf(text, sizeof text, "%lld s", static_cast<long long>((ms + 500) / 1000));
    } else if (ms < 3600 * 1000 - 500) {
        long long s = (ms + 500) / 1000;
        std::snprintf(text, sizeof text, "%lld min %02lld s", s / 60, s % 60);
    } else {
        long long m = (ms + 30000) / 60000;
        std::snprintf(text, sizeof text, "%lld h %02lld min", m / 60, m % 60);
    }
    return text;
}

Meter::Meter(Meter&& other) noexcept
    : console_(std::exchange(other.console_, nullptr)), id_(other.id_) {}

Meter::~Meter() {
    if (!console_) return;
    try {
        console_->finish(id_, false);
    } catch (...) {
        // A destructor that runs while an exception unwinds must not throw: the line is lost.
    }
}

void Meter::add(std::uint64_t bytes) {
    if (console_) console_->add(id_, bytes);
}

void Meter::finish() {
    if (!console_) return;
    console_->finish(id_, true);
    console_ = nullptr;
}

Console::Console(ProgressMode mode, bool colour, Sink sink, Clock clock, std::size_t width)
    : mode_(mode),
      colour_(colour),
      sink_(std::move(sink)),
      clock_(std::move(clock)),
      width_(width) {}

void Console::configure(ProgressMode mode, bool colour, std::size_t width) {
    std::lock_guard lock(mutex_);
    mode_ = mode;
    colour_ = colour;
    width_ = width;
}

ProgressMode Console::mode() const {
    std::lock_guard lock(mutex_);
    return mode_;
}

void Console::notice(const std::string& text) {
    std::lock_guard lock(mutex_);
    if (mode_ == ProgressMode::None) return;
    print_line(prefix + text);
}

void Console::warning(const std::string& text) {
    std::lock_guard lock(mutex_);
    print_line(prefix + std::string(colour_ ? "\x1b[33mwarning:\x1b[0m " : "warning: ") + text);
}

void Console::error(const std::string& text) {
    std::lock_guard lock(mutex_);
    print_line(prefix + std::string(colour_ ? "\x1b[1;31merror:\x1b[0m " : "error: ") + text);
}

Meter Console::start(std::string label, std::uint64_t total_bytes) {
    std::lock_guard lock(mutex_);
    TimePoint now = clock_();
    Transfer transfer;
    transfer.id = next_id_++;
    transfer.label = std::move(label);
    transfer.total = total_bytes;
    transfer.started = transfer.last_draw = transfer.last_sample = transfer.last_line = now;
    transfers_.push_back(std::move(transfer));
    const Transfer& t = transfers_.back();
    if (mode_ == ProgressMode::Tty) {
        sink_("\r" + fit(status_text(t)) + clear_to_end);
        drawn_ = true;
    } else if (mode_ == ProgressMode::Plain) {
        print_line(prefix + t.label + ": " +
                   (t.total ? format_size(t.total) + " to transfer" : std::string("started")));
    }
    return Meter(this, t.id);
}

Console::Transfer* Console::find(std::uint64_t id) {
    for (auto& t : transfers_) {
        if (t.id == id) return &t;
    }
    return nullptr;
}

void Console::add(std::uint64_t id, std::uint64_t bytes) {
    std::lock_guard lock(mutex_);
    Transfer* t = find(id);
    if (!t) return;
    t->done += bytes;
    TimePoint now = clock_();
    // The rate is sampled at most every redraw interval, so that bursts (eight chunks landing at
    // once) average out: bytes over time, both decayed by e^(-age/rate_window). Unlike a moving
    // average of sampled rates it does not lean on the first sample: early on it is the average
    // so far, later it follows the last few seconds.
    double dt = seconds(now - t->last_sample);
    if (dt >= seconds(redraw_interval)) {
        double decay = std::exp(-dt / seconds(rate_window));
        t->window_bytes = t->window_bytes * decay + static_cast<double>(t->done - t->sampled);
        t->window_seconds = t->window_seconds * decay + dt;
        t->rate = t->window_bytes / t->window_seconds;
        t->last_sample = now;
        t->sampled = t->done;
    }
    if (mode_ == ProgressMode::Tty) {
        if (t != &transfers_.back() || now - t->last_draw < redraw_interval) return;
        t->last_draw = now;
        sink_("\r" + fit(status_text(*t)) + clear_to_end);
        drawn_ = true;
    } else if (mode_ == ProgressMode::Plain) {
        // A line when another quarter is done and plain_interval has passed since the last line:
        // at most three between the start and the end, and none for a short transfer.
        if (t->total == 0 || t->done >= t->total) return;
        std::uint64_t quarters = t->done * 4 / t->total;
        if (quarters <= t->quarters || now - t->last_line < plain_interval) return;
        t->quarters = quarters;
        t->last_line = now;
        print_line(status_text(*t));
    }
}

void Console::finish(std::uint64_t id, bool completed) {
    std::lock_guard lock(mutex_);
    Transfer* t = find(id);
    if (!t) return;
    std::chrono::steady_clock::duration elapsed = clock_() - t->started;
    std::string line = prefix + t->label + ": ";
    if (completed) {
        double average = seconds(elapsed) > 0 ? static_cast<double>(t->done) / seconds(elapsed) : 0;
        line += "done, " + format_size(t->done) + " in " +
                format_duration(std::chrono::duration_cast<std::chrono::milliseconds>(elapsed)) +
                " (" + format_rate(average) + ")";
    } else {
        line += "stopped after " + amount(t->done, t->total) + " in " +
                format_duration(std::chrono::duration_cast<std::chrono::milliseconds>(elapsed));
    }
    bool was_drawn = t == &transfers_.back();
    transfers_.erase(transfers_.begin() + (t - transfers_.data()));
    if (mode_ == ProgressMode::Tty) {
        if (was_drawn && drawn_) {
            std::string text = "\r" + line + clear_to_end + "\n";
            drawn_ = false;
            if (!transfers_.empty()) {
                text += "\r" + fit(status_text(transfers_.back())) + clear_to_end;
                drawn_ = true;
            }
            sink_(text);
        } else {
            print_line(line);
        }
    } else if (mode_ == ProgressMode::Plain) {
        print_line(line);
    }
}

void Console::print_line(const std::string& line) {
    if (mode_ != ProgressMode::Tty || !drawn_ || transfers_.empty()) {
        sink_(line + "\n");
        drawn_ = false;
        return;
    }
    sink_(std::string("\r") + clear_to_end + line + "\n\r" + fit(status_text(transfers_.back())) +
          clear_to_end);
}

// "juno-helper: <label>: 2.10 MB of 5.24 MB (40%), 1.28 MB/s, 2.4 s left"
std::string Console::status_text(const Transfer& t) const {
    std::string text =
        prefix + t.label + ": " + amount(t.done, t.total) + ", " + format_rate(t.rate);
    if (t.total > 0 && t.rate > 0 && t.done < t.total) {
        double left = static_cast<double>(t.total - t.done) / t.rate;
        text += ", " +
                format_duration(std::chrono::milliseconds(static_cast<std::int64_t>(left * 1000))) +
                " left";
    }
    return text;
}

// A status line that wraps could not be redrawn in place: cut it to the terminal's width, on a
// UTF-8 character boundary.
std::string Console::fit(std::string text) const {
    if (width_ == 0 || text.size() < width_) return text;
    std::size_t end = width_ - 1;
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
    text.resize(end);
    return text;
}

Console& console() {
    static Console instance(ProgressMode::Plain, false, write_stderr);
    return instance;
}

}  // namespace juno
