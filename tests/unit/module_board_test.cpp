#include "cli/module_board.hpp"

#include <gtest/gtest.h>

namespace {

using cli::Chunk;
using cli::ModuleBoard;
using cli::Stream;

std::string text_of(const std::vector<Chunk>& chunks, Stream stream) {
    std::string out;
    for (const auto& c : chunks) {
        if (c.stream == stream) out += c.text;
    }
    return out;
}

TEST(ModuleBoard, InAPipeEveryLineIsLabelledAndAligned) {
    ModuleBoard board({"satellite", "orbiter"}, false, 80);
    board.started(0);
    board.started(1);
    board.output(0, Stream::Err, "juno-helper: stopping module satellite\njuno-helper: ta");
    board.output(1, Stream::Out, "Backed up module orbiter\n");
    board.output(0, Stream::Err, "king a backup\n");
    auto chunks = board.take(true);
    EXPECT_EQ(text_of(chunks, Stream::Err),
              "satellite | stopping module satellite\n"
              "satellite | taking a backup\n");
    EXPECT_EQ(text_of(chunks, Stream::Out), "orbiter   | Backed up module orbiter\n");
    // No status area and no escape codes in a pipe.
    EXPECT_EQ(text_of(chunks, Stream::Err).find('\x1b'), std::string::npos);
}

TEST(ModuleBoard, ProgressSegmentsAreStatusesNotLines) {
    ModuleBoard board({"m"}, false, 80);
    board.started(0);
    board.output(0, Stream::Err,
                 "\ruploading 1.0 MB of 5.0 MB\x1b[K\ruploading 2.0 MB of 5.0 MB\x1b[K");
    EXPECT_TRUE(board.take(true).empty());
    // A notice clears the progress line first ("\r\x1b[K"); it is a line of its own.
    board.output(0, Stream::Err, "\r\x1b[Kjuno-helper: warning: slow\n\ruploading 3.0 MB\x1b[K");
    EXPECT_EQ(text_of(board.take(true), Stream::Err), "m | warning: slow\n");
    // The final state of a transfer ends with "\n": a line.
    board.output(0, Stream::Err, "\ruploaded 5.0 MB in 2 s\x1b[K\n");
    EXPECT_EQ(text_of(board.take(true), Stream::Err), "m | uploaded 5.0 MB in 2 s\n");
}

TEST(ModuleBoard, OnATerminalStepsUpdateTheStatusAreaAndReportsStay) {
    ModuleBoard board({"a", "bb"}, true, 40);
    board.started(0);
    board.started(1);
    board.output(0, Stream::Err, "juno-helper: stopping module a\n");
    auto first = text_of(board.take(true), Stream::Err);
    EXPECT_EQ(first, "a  > stopping module a\nbb > connecting\n");
    board.output(1, Stream::Err, "\ruploading 1.0 MB\x1b[K");
    auto second = text_of(board.take(true), Stream::Err);
    // The area is erased (2 lines up, clear to the end) and drawn again.
    EXPECT_EQ(second, "\x1b[2A\x1b[Ja  > stopping module a\nbb > uploading 1.0 MB\n");
    board.output(0, Stream::Out, "Backed up module a\n");
    board.finished(0);
    auto chunks = board.take(false);
    ASSERT_EQ(chunks.size(), 3u);
    EXPECT_EQ(chunks[0].text, "\x1b[2A\x1b[J");
    EXPECT_EQ(chunks[1].stream, Stream::Out);
    EXPECT_EQ(chunks[1].text, "a  | Backed up module a\n");
    EXPECT_EQ(chunks[2].text, "bb > uploading 1.0 MB\n1 of 2 modules done\n");
    auto closing = board.close();
    ASSERT_EQ(closing.size(), 1u);
    EXPECT_EQ(closing[0].text, "\x1b[2A\x1b[J");
}

TEST(ModuleBoard, OnlyStatusChangesWaitForARedraw) {
    ModuleBoard board({"a"}, true, 40);
    board.started(0);
    board.take(true);
    board.output(0, Stream::Err, "\rstep 1\x1b[K");
    EXPECT_TRUE(board.take(false).empty());
    EXPECT_FALSE(board.take(true).empty());
}

TEST(ModuleBoard, AFailureIsKeptFromItsFirstErrorLine) {
    ModuleBoard board({"a"}, true, 80);
    board.started(0);
    board.output(0, Stream::Err,
                 "juno-helper: stopping\njuno-helper: error: upgrade failed: IC0503\n"
                 "module a is running; run: cmake --build b --target juno_upgrade_a\n");
    board.finished(0);
    auto err = text_of(board.take(false), Stream::Err);
    EXPECT_NE(err.find("a | error: upgrade failed: IC0503\n"), std::string::npos);
    EXPECT_NE(err.find("a | module a is running; run: cmake --build"), std::string::npos);
    EXPECT_EQ(err.find("a | stopping"), std::string::npos);  // a step: status only
    ASSERT_EQ(board.error_lines(0).size(), 2u);
    EXPECT_EQ(board.error_lines(0)[0], "error: upgrade failed: IC0503");
}

TEST(ModuleBoard, UnterminatedOutputIsFlushedWhenTheRunEnds) {
    ModuleBoard board({"a"}, false, 80);
    board.started(0);
    board.output(0, Stream::Out, "last words");
    board.output(0, Stream::Err, "\rprogress 10%");
    board.finished(0);
    auto chunks = board.take(true);
    EXPECT_EQ(text_of(chunks, Stream::Out), "a | last words\n");
    EXPECT_EQ(text_of(chunks, Stream::Err), "");  // a progress line is not a line of its own
}

TEST(ModuleBoard, PlainTextDropsEscapesAndTheHelperPrefix) {
    EXPECT_EQ(ModuleBoard::plain_text("\x1b[1;31mjuno-helper: error:\x1b[0m x"), "error: x");
    EXPECT_EQ(ModuleBoard::plain_text("juno-helper: \x1b[Kdone"), "done");
}

TEST(ModuleBoard, FitCutsAtCodePoints) {
    EXPECT_EQ(ModuleBoard::fit("abcdef", 3), "abc");
    EXPECT_EQ(ModuleBoard::fit("a\xE2\x86\x92"
                               "bc",
                               2),
              "a\xE2\x86\x92");  // "a→bc": a, →
    EXPECT_EQ(ModuleBoard::fit("ab", 5), "ab");
}

TEST(ModuleBoard, StatusLinesFitTheTerminal) {
    ModuleBoard board({"a"}, true, 20);
    board.started(0);
    board.output(0, Stream::Err, "\r" + std::string(100, 'x'));
    auto drawn = text_of(board.take(true), Stream::Err);
    // 19 columns and the newline: a line never wraps, so the area's height stays known.
    EXPECT_EQ(drawn, "a > " + std::string(15, 'x') + "\n");
}

}  // namespace
