#include "cli/module_board.hpp"

#include <algorithm>

namespace cli {

namespace {

constexpr std::string_view helper_prefix = "juno-helper: ";

}  // namespace

ModuleBoard::ModuleBoard(std::vector<std::string> names, bool live, std::size_t width)
    : live_(live), width_(std::max<std::size_t>(width, 20)) {
    for (auto& name : names) {
        label_width_ = std::max(label_width_, name.size());
        Module m;
        m.name = std::move(name);
        m.status = "queued";
        modules_.push_back(std::move(m));
    }
}

std::string ModuleBoard::plain_text(std::string_view line) {
    std::string out;
    out.reserve(line.size());
    for (std::size_t i = 0; i < line.size(); ++i) {
        char c = line[i];
        if (c == '\x1b') {
            // CSI: ESC [ parameters... final byte in @..~; anything else: drop ESC and the next.
            if (i + 1 < line.size() && line[i + 1] == '[') {
                i += 2;
                while (i < line.size() && !(line[i] >= '@' && line[i] <= '~')) ++i;
            } else {
                ++i;
            }
            continue;
        }
        if (c == '\r') continue;
        out.push_back(c);
    }
    if (out.starts_with(helper_prefix)) out.erase(0, helper_prefix.size());
    return out;
}

std::string ModuleBoard::fit(std::string_view text, std::size_t columns) {
    std::size_t count = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        // A code point starts at every byte that is not a UTF-8 continuation byte.
        if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
            if (count == columns) return std::string(text.substr(0, i));
            ++count;
        }
    }
    return std::string(text);
}

void ModuleBoard::started(std::size_t module) {
    modules_[module].state = RunState::Running;
    modules_[module].status = "connecting";
    status_changed_ = true;
}

void ModuleBoard::line(std::size_t module, Stream stream, std::string_view raw) {
    Module& m = modules_[module];
    std::string text = plain_text(raw);
    if (text.empty()) return;
    if (stream == Stream::Err) {
        if (m.errors.empty() && text.starts_with("error:"))
            m.errors.push_back(text);
        else if (!m.errors.empty())
            m.errors.push_back(text);
    }
    m.status = text;
    status_changed_ = true;
    // On a terminal a run's steps only update its status line; what it reports (stdout), its
    // warnings, notes and failure stay on screen.
    bool reported = stream == Stream::Out || !m.errors.empty() || text.starts_with("warning:") ||
                    text.starts_with("note:");
    if (live_ && !reported) return;
    std::string labelled = m.name + std::string(label_width_ - m.name.size(), ' ') + " | " + text;
    labelled.push_back('\n');
    queued_.push_back({stream, std::move(labelled)});
}

void ModuleBoard::output(std::size_t module, Stream stream, std::string_view bytes) {
    Module& m = modules_[module];
    std::string& pending = m.pending[stream == Stream::Out ? 0 : 1];
    for (char c : bytes) {
        if (c == '\n') {
            line(module, stream, pending);
            pending.clear();
            if (stream == Stream::Err) m.pending_is_status = false;
        } else if (c == '\r' && stream == Stream::Err) {
            // What came before is either an earlier status (now replaced) or nothing.
            flush_status(module);
            pending.clear();
            m.pending_is_status = true;
        } else {
            pending.push_back(c);
        }
    }
    if (stream == Stream::Err && m.pending_is_status) flush_status(module);
}

void ModuleBoard::flush_status(std::size_t module) {
    Module& m = modules_[module];
    std::string text = plain_text(m.pending[1]);
    if (!text.empty() && text != m.status) {
        m.status = std::move(text);
        status_changed_ = true;
    }
}

void ModuleBoard::finished(std::size_t module) {
    Module& m = modules_[module];
    for (Stream s : {Stream::Out, Stream::Err}) {
        std::string& pending = m.pending[s == Stream::Out ? 0 : 1];
        // A progress line that never got its "\n" is not a line of its own.
        if (!pending.empty() && !(s == Stream::Err && m.pending_is_status))
            line(module, s, pending);
        pending.clear();
    }
    m.state = RunState::Done;
    status_changed_ = true;
}

void ModuleBoard::notice(const std::string& text) {
    queued_.push_back({Stream::Err, std::string(helper_prefix) + text + "\n"});
}

std::string ModuleBoard::area() const {
    std::string out;
    std::size_t queued = 0;
    std::size_t done = 0;
    for (const auto& m : modules_) {
        if (m.state == RunState::Queued) ++queued;
        if (m.state == RunState::Done) ++done;
        if (m.state != RunState::Running) continue;
        std::string text =
            m.name + std::string(label_width_ - m.name.size(), ' ') + " > " + m.status;
        out += fit(text, width_ - 1) + "\n";
    }
    if (queued > 0 || done > 0) {
        std::string text =
            std::to_string(done) + " of " + std::to_string(modules_.size()) + " modules done";
        if (queued > 0) text += ", " + std::to_string(queued) + " waiting";
        out += fit(text, width_ - 1) + "\n";
    }
    return out;
}

std::vector<Chunk> ModuleBoard::take(bool redraw) {
    std::vector<Chunk> out;
    if (!live_ || closed_) {
        out.swap(queued_);
        return out;
    }
    bool lines = !queued_.empty();
    if (!lines && !(redraw && status_changed_)) return out;
    std::string erase;
    if (drawn_lines_ > 0) erase = "\x1b[" + std::to_string(drawn_lines_) + "A\x1b[J";
    if (!erase.empty()) out.push_back({Stream::Err, erase});
    for (auto& chunk : queued_) out.push_back(std::move(chunk));
    queued_.clear();
    std::string drawn = area();
    drawn_lines_ = static_cast<std::size_t>(std::count(drawn.begin(), drawn.end(), '\n'));
    if (!drawn.empty()) out.push_back({Stream::Err, std::move(drawn)});
    status_changed_ = false;
    return out;
}

std::vector<Chunk> ModuleBoard::close() {
    std::vector<Chunk> out;
    if (live_ && drawn_lines_ > 0) {
        out.push_back({Stream::Err, "\x1b[" + std::to_string(drawn_lines_) + "A\x1b[J"});
    }
    drawn_lines_ = 0;
    closed_ = true;
    for (auto& chunk : queued_) out.push_back(std::move(chunk));
    queued_.clear();
    return out;
}

const std::vector<std::string>& ModuleBoard::error_lines(std::size_t module) const {
    return modules_[module].errors;
}

}  // namespace cli
