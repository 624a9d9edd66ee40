#include "ic/verified_signatures.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <stdexcept>
#include <thread>

namespace {

using ic::Bytes;
using ic::VerifiedSignatures;

const Bytes key(96, 1);
const Bytes signature(48, 2);
const Bytes message = {3, 4, 5};

TEST(VerifiedSignatures, APassIsCheckedOncePerKeySignatureAndMessage) {
    VerifiedSignatures verified;
    int runs = 0;
    auto check = [&] { ++runs; };
    verified.check_once(key, signature, message, check);
    verified.check_once(key, signature, message, check);
    EXPECT_EQ(runs, 1);
    // Any of the three differing is another signature to check.
    verified.check_once(key, signature, Bytes{3, 4, 6}, check);
    verified.check_once(key, Bytes(48, 9), message, check);
    verified.check_once(Bytes(96, 9), signature, message, check);
    EXPECT_EQ(runs, 4);
    verified.clear();
    verified.check_once(key, signature, message, check);
    EXPECT_EQ(runs, 5);
}

TEST(VerifiedSignatures, TheSplitBetweenTheInputsIsPartOfWhatIsKept) {
    VerifiedSignatures verified;
    int runs = 0;
    auto check = [&] { ++runs; };
    verified.check_once(Bytes{1, 2}, Bytes{3}, Bytes{4}, check);
    verified.check_once(Bytes{1}, Bytes{2, 3}, Bytes{4}, check);
    EXPECT_EQ(runs, 2);
}

TEST(VerifiedSignatures, AFailureIsNotKept) {
    VerifiedSignatures verified;
    int runs = 0;
    auto failing = [&] {
        ++runs;
        throw std::runtime_error("bad signature");
    };
    EXPECT_THROW(verified.check_once(key, signature, message, failing), std::runtime_error);
    EXPECT_THROW(verified.check_once(key, signature, message, failing), std::runtime_error);
    EXPECT_EQ(runs, 2);
}

TEST(VerifiedSignatures, AnAnswerArrivingDuringTheCheckWaitsForItInsteadOfRepeatingIt) {
    VerifiedSignatures verified;
    std::atomic<int> runs{0};
    std::promise<void> first_started;
    auto slow = [&] {
        ++runs;
        first_started.set_value();
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    };
    auto first =
        std::async(std::launch::async, [&] { verified.check_once(key, signature, message, slow); });
    first_started.get_future().wait();
    const auto before = std::chrono::steady_clock::now();
    verified.check_once(key, signature, message, [&] { ++runs; });
    first.get();
    EXPECT_EQ(runs.load(), 1);
    // It waited for the first check's outcome rather than returning before it was known.
    EXPECT_GE(std::chrono::steady_clock::now() - before, std::chrono::milliseconds(100));
}

TEST(VerifiedSignatures, AWaiterChecksForItselfWhenTheCheckItWaitedForFails) {
    VerifiedSignatures verified;
    std::promise<void> first_started;
    auto failing = [&] {
        first_started.set_value();
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        throw std::runtime_error("first");
    };
    auto first = std::async(std::launch::async,
                            [&] { verified.check_once(key, signature, message, failing); });
    first_started.get_future().wait();
    int own_runs = 0;
    try {
        verified.check_once(key, signature, message, [&] {
            ++own_runs;
            throw std::runtime_error("second");
        });
        FAIL() << "a signature whose check failed passed";
    } catch (const std::runtime_error& error) {
        EXPECT_STREQ(error.what(), "second");
    }
    EXPECT_EQ(own_runs, 1);
    EXPECT_THROW(first.get(), std::runtime_error);
}

}  // namespace
