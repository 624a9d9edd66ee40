#include "juno/console.hpp"

#include <gtest/gtest.h>

#include <thread>

namespace {

using namespace std::chrono_literals;
using juno::Console;
using juno::ProgressMode;

// A console whose clock the test moves and whose output it reads, piece by piece.
struct Fixture {
    explicit Fixture(ProgressMode mode, bool colour = false, std::size_t width = 0)
        : console(
              mode, colour, [this](const std::string& text) { writes.push_back(text); },
              [this] { return now; }, width) {}
    std::string all() const {
        std::string text;
        for (const auto& w : writes) text += w;
        return text;
    }
    std::chrono::steady_clock::time_point now{};
    std::vector<std::string> writes;
    Console console;
};

TEST(Console, FormatsRatesAndDurations) {
    EXPECT_EQ(juno::format_rate(0), "-");
    EXPECT_EQ(juno::format_rate(512), "512 B/s");
    EXPECT_EQ(juno::format_rate(1'280'000), "1.28 MB/s");
    EXPECT_EQ(juno::format_duration(400ms), "0.4 s");
    EXPECT_EQ(juno::format_duration(4100ms), "4.1 s");
    EXPECT_EQ(juno::format_duration(42s), "42 s");
    EXPECT_EQ(juno::format_duration(125s), "2 min 05 s");
    EXPECT_EQ(juno::format_duration(3720s), "1 h 02 min");
    EXPECT_EQ(juno::format_duration(-5ms), "0.0 s");
}

TEST(Console, TtyDrawsOneLineWithRateAndTimeLeftAtMostTenTimesASecond) {
    Fixture f(ProgressMode::Tty);
    auto meter = f.console.start("up", 10'000'000);
    ASSERT_EQ(f.writes.size(), 1u);
    EXPECT_EQ(f.writes[0], "\rjuno-helper: up: 0 B of 10.0 MB (0%), -\x1b[K");
    f.now += 50ms;
    meter.add(100'000);
    EXPECT_EQ(f.writes.size(), 1u) << "no redraw within 100 ms";
    f.now += 950ms;
    meter.add(1'900'000);
    ASSERT_EQ(f.writes.size(), 2u);
    EXPECT_EQ(f.writes[1],
              "\rjuno-helper: up: 2.00 MB of 10.0 MB (20%), 2.00 MB/s, 4.0 s left\x1b[K");
    // The rate is smoothed: the first second counts e^(-1/3) as much as the last one.
    f.now += 1s;
    meter.add(4'000'000);
    ASSERT_EQ(f.writes.size(), 3u);
    EXPECT_EQ(f.writes[2],
              "\rjuno-helper: up: 6.00 MB of 10.0 MB (60%), 3.17 MB/s, 1.3 s left\x1b[K");
    f.now += 3s;
    meter.add(4'000'000);
    meter.finish();
    EXPECT_EQ(f.writes.back(), "\rjuno-helper: up: done, 10.0 MB in 5.0 s (2.00 MB/s)\x1b[K\n");
    meter.finish();  // once only
    meter.add(1);
    EXPECT_EQ(f.all().find('\n'), f.all().size() - 1) << "one permanent line: the final one";
}

TEST(Console, TtyNoticeClearsTheLinePrintsAndRedraws) {
    Fixture f(ProgressMode::Tty);
    f.console.notice("before");
    EXPECT_EQ(f.writes.back(), "juno-helper: before\n");
    auto meter = f.console.start("up", 1000);
    f.console.notice("during");
    EXPECT_EQ(f.writes.back(),
              "\r\x1b[Kjuno-helper: during\n\rjuno-helper: up: 0 B of 1.00 kB (0%), -\x1b[K");
    f.console.warning("careful");
    EXPECT_EQ(f.writes.back(),
              "\r\x1b[Kjuno-helper: warning: careful\n\rjuno-helper: up: 0 B of "
              "1.00 kB (0%), -\x1b[K");
    meter.finish();
    f.console.notice("after");
    EXPECT_EQ(f.writes.back(), "juno-helper: after\n");
}

TEST(Console, AMeterEndedByAnExceptionSaysWhereItStopped) {
    Fixture f(ProgressMode::Tty);
    {
        auto meter = f.console.start("up", 4000);
        f.now += 2s;
        meter.add(1000);
    }
    EXPECT_EQ(f.writes.back(),
              "\rjuno-helper: up: stopped after 1.00 kB of 4.00 kB (25%) in 2.0 "
              "s\x1b[K\n");
}

TEST(Console, TtyShowsTheNewestOfTwoMetersAndKeepsTheOther) {
    Fixture f(ProgressMode::Tty);
    auto a = f.console.start("a", 100);
    auto b = f.console.start("b", 200);
    f.now += 1s;
    a.add(10);
    EXPECT_EQ(f.writes.back(), "\rjuno-helper: b: 0 B of 200 B (0%), -\x1b[K") << "a is not drawn";
    b.finish();
    EXPECT_EQ(f.writes.back(),
              "\rjuno-helper: b: done, 0 B in 1.0 s (-)\x1b[K\n\rjuno-helper: a: "
              "10 B of 100 B (10%), 10 B/s, 9.0 s left\x1b[K");
}

TEST(Console, TtyLineIsCutToTheTerminalWidth) {
    Fixture f(ProgressMode::Tty, false, 20);
    auto meter = f.console.start("uploading \xc3\xa9\xc3\xa9", 10);
    EXPECT_EQ(f.writes.back(), "\rjuno-helper: upload\x1b[K");
    Fixture g(ProgressMode::Tty, false, 26);
    auto other = g.console.start("uploading \xc3\xa9\xc3\xa9", 10);
    // 25 bytes would end inside the second "é": the cut keeps whole characters.
    EXPECT_EQ(g.writes.back(), "\rjuno-helper: uploading \xc3\xa9\x1b[K");
}

TEST(Console, PlainPrintsStartEndAndAtMostAQuarterEveryTenSeconds) {
    Fixture f(ProgressMode::Plain);
    auto quick = f.console.start("quick", 1000);
    for (int i = 0; i < 10; ++i) {
        f.now += 100ms;
        quick.add(100);
    }
    quick.finish();
    ASSERT_EQ(f.writes.size(), 2u) << f.all();
    EXPECT_EQ(f.writes[0], "juno-helper: quick: 1.00 kB to transfer\n");
    EXPECT_EQ(f.writes[1], "juno-helper: quick: done, 1.00 kB in 1.0 s (1.00 kB/s)\n");

    f.writes.clear();
    auto slow = f.console.start("slow", 100'000);
    for (int i = 0; i < 100; ++i) {  // 100 s, 1 kB/s
        f.now += 1s;
        slow.add(1000);
    }
    slow.finish();
    ASSERT_EQ(f.writes.size(), 5u) << f.all();
    EXPECT_EQ(f.writes[1],
              "juno-helper: slow: 25.0 kB of 100.0 kB (25%), 1.00 kB/s, 1 min 15 s left\n");
    EXPECT_NE(f.writes[2].find("(50%)"), std::string::npos);
    EXPECT_NE(f.writes[3].find("(75%)"), std::string::npos);
    EXPECT_EQ(f.writes[4], "juno-helper: slow: done, 100.0 kB in 1 min 40 s (1.00 kB/s)\n");

    f.writes.clear();
    auto burst = f.console.start("burst", 100);
    f.now += 11s;
    burst.add(90);  // three quarters at once: one line, not three
    burst.finish();
    ASSERT_EQ(f.writes.size(), 3u) << f.all();
    EXPECT_NE(f.writes[1].find("(90%)"), std::string::npos);
    for (const auto& w : f.writes) {
        EXPECT_EQ(w.find('\r'), std::string::npos);
        EXPECT_EQ(w.find('\x1b'), std::string::npos);
    }
}

TEST(Console, NoneKeepsOnlyWarningsAndErrors) {
    Fixture f(ProgressMode::None);
    f.console.notice("step");
    auto meter = f.console.start("up", 10);
    f.now += 1s;
    meter.add(10);
    meter.finish();
    EXPECT_TRUE(f.writes.empty()) << f.all();
    f.console.warning("w");
    f.console.error("e");
    EXPECT_EQ(f.all(), "juno-helper: warning: w\njuno-helper: error: e\n");
}

TEST(Console, ColoursTheWordsErrorAndWarning) {
    Fixture f(ProgressMode::Tty, true);
    f.console.warning("w");
    f.console.error("e");
    f.console.notice("n");
    EXPECT_EQ(f.all(),
              "juno-helper: \x1b[33mwarning:\x1b[0m w\njuno-helper: \x1b[1;31merror:\x1b[0m "
              "e\njuno-helper: n\n");
    f.console.configure(ProgressMode::Tty, false, 0);
    f.console.error("e");
    EXPECT_EQ(f.writes.back(), "juno-helper: error: e\n");
}

TEST(Console, MetersAddFromManyThreads) {
    Fixture f(ProgressMode::Plain);
    auto meter = f.console.start("up", 8 * 1000 * 1000);
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t) {
        threads.emplace_back([&] {
            for (int i = 0; i < 1000; ++i) meter.add(1000);
        });
    }
    for (auto& t : threads) t.join();
    meter.finish();
    EXPECT_NE(f.writes.back().find("done, 8.00 MB"), std::string::npos) << f.writes.back();
}

}  // namespace
