#include "cli/terminal.hpp"

#include <gtest/gtest.h>

#include "ic/error.hpp"

namespace {

using juno::ProgressMode;

TEST(Terminal, ChoosesTheProgressModeQuietThenEnvironmentThenStderr) {
    EXPECT_EQ(cli::progress_mode(true, "tty", true, "xterm"), ProgressMode::None);
    EXPECT_EQ(cli::progress_mode(false, "tty", false, nullptr), ProgressMode::Tty);
    EXPECT_EQ(cli::progress_mode(false, "plain", true, "xterm"), ProgressMode::Plain);
    EXPECT_EQ(cli::progress_mode(false, "none", true, "xterm"), ProgressMode::None);
    EXPECT_EQ(cli::progress_mode(false, nullptr, true, "xterm"), ProgressMode::Tty);
    EXPECT_EQ(cli::progress_mode(false, "", true, nullptr), ProgressMode::Tty);
    EXPECT_EQ(cli::progress_mode(false, nullptr, true, "dumb"), ProgressMode::Plain);
    EXPECT_EQ(cli::progress_mode(false, nullptr, false, "xterm"), ProgressMode::Plain);
}

TEST(Terminal, RefusesAnUnknownProgressModeNamingTheValues) {
    try {
        cli::progress_mode(false, "TTY", true, "xterm");
        FAIL() << "accepted JUNO_PROGRESS=TTY";
    } catch (const ic::Error& error) {
        EXPECT_EQ(error.kind(), ic::ErrorKind::Usage);
        std::string what = error.what();
        EXPECT_NE(what.find("JUNO_PROGRESS is 'TTY'"), std::string::npos) << what;
        for (const char* value : {"tty", "plain", "none"}) {
            EXPECT_NE(what.find(value), std::string::npos) << what;
        }
    }
    EXPECT_THROW(cli::progress_mode(true, "bogus", true, "xterm"), ic::Error)
        << "not even --quiet hides a typo";
}

TEST(Terminal, ColoursOnlyATerminalThatWantsIt) {
    EXPECT_TRUE(cli::use_colour(ProgressMode::Tty, true, "xterm", nullptr));
    EXPECT_TRUE(cli::use_colour(ProgressMode::Tty, true, "xterm", ""));
    EXPECT_TRUE(cli::use_colour(ProgressMode::None, true, "xterm", nullptr));
    EXPECT_FALSE(cli::use_colour(ProgressMode::Tty, true, "xterm", "1"));
    EXPECT_FALSE(cli::use_colour(ProgressMode::Tty, true, "dumb", nullptr));
    EXPECT_FALSE(cli::use_colour(ProgressMode::Tty, false, "xterm", nullptr)) << "a parent's pipe";
    EXPECT_FALSE(cli::use_colour(ProgressMode::Plain, true, "xterm", nullptr));
}

}  // namespace
