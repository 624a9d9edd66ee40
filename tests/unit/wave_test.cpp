#include "juno/wave.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "ic/cbor.hpp"
#include "ic/error.hpp"
#include "ic/root_key.hpp"
#include "keep_alive_server.hpp"

namespace {

using namespace std::chrono_literals;

ic::Agent agent_for(const std::string& url, ic::RootKeySource::Kind root_key) {
    ic::AgentOptions options;
    options.url = url;
    options.root_key.kind = root_key;
    return ic::Agent(ic::Identity::anonymous(), options);
}

TEST(Wave, CallsBesideOneAnotherAreInFlightTogether) {
    ic::Agent agent = agent_for("http://127.0.0.1:9", ic::RootKeySource::Kind::Mainnet);
    auto slow = [](ic::Agent&, auto&) {
        std::this_thread::sleep_for(300ms);
        return 1;
    };
    auto start = std::chrono::steady_clock::now();
    auto a = juno::beside(agent, slow);
    auto b = juno::beside(agent, slow);
    auto c = juno::beside(agent, slow);
    EXPECT_EQ(a.get() + b.get() + c.get(), 3);
    // In series they take 900 ms.
    EXPECT_LT(std::chrono::steady_clock::now() - start, 800ms);
}

TEST(Wave, AFailedCallIsToldWhereItsAnswerIsUsedAndSparesTheOthers) {
    ic::Agent agent = agent_for("http://127.0.0.1:9", ic::RootKeySource::Kind::Mainnet);
    auto failing = juno::beside(agent, [](ic::Agent&, auto&) -> int {
        throw ic::Error(ic::ErrorKind::Rejected, "refused");
    });
    auto fine = juno::beside(agent, [](ic::Agent&, auto&) { return 7; });
    EXPECT_EQ(fine.get(), 7);
    try {
        failing.get();
        FAIL() << "the failure was lost";
    } catch (const ic::Error& error) {
        EXPECT_EQ(error.kind(), ic::ErrorKind::Rejected);
        EXPECT_STREQ(error.what(), "refused");
    }
}

TEST(Wave, EachCallHasAnAgentOfItsOwn) {
    ic::Agent agent = agent_for("http://127.0.0.1:9", ic::RootKeySource::Kind::Mainnet);
    auto seen = juno::beside(agent, [](ic::Agent& fork, auto&) { return &fork; });
    EXPECT_NE(seen.get(), &agent);
}

TEST(Wave, AllCallsOfARunShareOneRootKeyFetch) {
    ic::Bytes der = ic::bls_key_to_der(ic::Bytes(96, 0x11));
    ic::Bytes status =
        ic::cbor::encode(ic::cbor::Value(ic::cbor::Map{{"root_key", ic::cbor::Value(der)}}));
    KeepAliveServer server(std::string(status.begin(), status.end()));
    ic::Agent agent = agent_for(server.url(), ic::RootKeySource::Kind::Fetch);
    auto fetch = [](ic::Agent& fork, auto&) { return fork.root_key(); };
    auto a = juno::beside(agent, fetch);
    auto b = juno::beside(agent, fetch);
    EXPECT_EQ(a.get(), der);
    EXPECT_EQ(b.get(), der);
    EXPECT_EQ(agent.root_key(), der);
    EXPECT_EQ(agent.fork().root_key(), der);
    EXPECT_EQ(server.requests(), 1) << "the root key was fetched more than once";
}

}  // namespace
