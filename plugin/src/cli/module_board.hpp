// What a person reads while several modules run at once (cli/parallel_run.hpp): the lines each
// module's run prints, labelled with the module's name. In a pipe (a CI log, make -j) that is
// every line; on a terminal, a status area at the bottom has one updating line per running
// module, its current step or progress, and only what a run reports (its stdout), its warnings,
// notes and failure are printed above it.
//
// The board only turns bytes into text; it does no I/O, so that what it writes is tested as
// text. Each module's run is a juno-helper process whose stdout and stderr the board is given.
// On stderr a module's run follows the progress byte protocol (cli/progress.hpp): a segment
// ended by "\n" is a permanent line; a segment after "\r" not yet ended by "\n" is the run's
// current progress (a status), which replaces its previous one. Escape sequences (colour, "clear
// to end of line") are dropped: the board draws its own.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace cli {

enum class Stream { Out, Err };

// Text for one of the parent's streams, in the order it must be written.
struct Chunk {
    Stream stream;
    std::string text;
};

class ModuleBoard {
public:
    // `live`: a terminal, which gets the status area; `width`: its columns (status lines are cut
    // to fit, so that the area's height stays what the board counts).
    ModuleBoard(std::vector<std::string> names, bool live, std::size_t width);

    void started(std::size_t module);
    // Bytes a module's run wrote. Complete lines are labelled and queued; on stderr, progress
    // segments become the module's status.
    void output(std::size_t module, Stream stream, std::string_view bytes);
    // The run ended: any unterminated output is flushed as a line, and the module leaves the
    // status area.
    void finished(std::size_t module);
    // A line of the parent's own ("juno-helper: ..."), on stderr.
    void notice(const std::string& text);

    // Everything to write now, in order: queued lines (with the status area cleared before them
    // and redrawn after them when live). `redraw`: also redraw the area when only statuses
    // changed (the caller throttles this).
    std::vector<Chunk> take(bool redraw);
    // Clears the status area for good (before the summary).
    std::vector<Chunk> close();

    // The lines a module's run printed from its first "error:" on: its failure, with the state
    // the module is in and what to run next, repeated in the summary.
    const std::vector<std::string>& error_lines(std::size_t module) const;
    const std::string& label(std::size_t module) const { return modules_[module].name; }

    // The line without the helper's own "juno-helper: " prefix and without escape sequences.
    static std::string plain_text(std::string_view line);
    // Cut to at most `columns` characters (UTF-8 code points, each taken as one column).
    static std::string fit(std::string_view text, std::size_t columns);

private:
    enum class RunState { Queued, Running, Done };
    struct Module {
        std::string name;
        RunState state = RunState::Queued;
        std::string pending[2];  // unterminated bytes, per stream
        bool pending_is_status = false;
        std::string status;  // latest progress, or latest line
        std::vector<std::string> errors;
    };

    void line(std::size_t module, Stream stream, std::string_view text);
    void flush_status(std::size_t module);
    std::string area() const;

    std::vector<Module> modules_;
    std::size_t label_width_ = 0;
    bool live_;
    std::size_t width_;
    std::vector<Chunk> queued_;
    bool status_changed_ = false;
    std::size_t drawn_lines_ = 0;  // height of the status area now on the terminal
    bool closed_ = false;
};

}  // namespace cli
