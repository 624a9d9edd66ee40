#include "juno/runtime_refusal.hpp"

#include <gtest/gtest.h>

namespace {

// The IC's reject of an install_code whose new Motoko module (enhanced orthogonal persistence)
// refused the kept memory, as the local replica and the IC word it.
const char* kMotokoTrap =
    "Error from Canister bnz7o-iuaaa-aaaaa-qaaaa-cai: Canister called `ic0.trap` with message: "
    "'RTS error: Memory-incompatible program upgrade'.\nConsider gracefully handling failures "
    "from this canister or altering the canister to handle exceptions.";

TEST(RuntimeRefusal, MotokosIncompatibleUpgradeTrapIsARefusal) {
    ic::RejectError error(5, kMotokoTrap, "IC0503");
    EXPECT_EQ(juno::runtime_refusal(error), juno::RuntimeRefusal::MotokoStableVariables);
}

TEST(RuntimeRefusal, OtherTrapsAndErrorsAreNot) {
    ic::RejectError other_trap(5,
                               "Error from Canister bnz7o-iuaaa-aaaaa-qaaaa-cai: Canister called "
                               "`ic0.trap` with message: 'this build cannot read the counter'.",
                               "IC0503");
    EXPECT_EQ(juno::runtime_refusal(other_trap), std::nullopt);
    ic::Error network(ic::ErrorKind::Network, "RTS error: Memory-incompatible program upgrade");
    EXPECT_EQ(juno::runtime_refusal(network), std::nullopt) << "only the IC's reject says so";
}

TEST(RuntimeRefusal, AdviceSaysWhySkippingCannotHelpAndEndsWithTheCommand) {
    std::string advice =
        juno::refusal_advice(juno::RuntimeRefusal::MotokoStableVariables, "make juno_upgrade");
    EXPECT_EQ(advice.front(), ' ');
    EXPECT_NE(advice.find("stable variables"), std::string::npos);
    EXPECT_NE(advice.find("skipping pre_upgrade cannot help"), std::string::npos);
    EXPECT_TRUE(advice.ends_with("run the upgrade again: make juno_upgrade")) << advice;
}

}  // namespace
