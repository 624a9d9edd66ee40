// libFuzzer target: certificates from the network. Every input must end in a value or an
// ic::Error; any other exception, a crash or a sanitizer report is a bug.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "ic/certificate.hpp"
#include "ic/error.hpp"

namespace {

void explore(const ic::HashTree& tree) {
    static_cast<void>(tree.digest());
    try {
        static_cast<void>(ic::certificate_time(tree));
    } catch (const ic::Error&) {
    }
    // The paths the agent reads, with an id that is usually absent and one the tree may reveal.
    std::vector<ic::Bytes> ids{ic::Bytes(32, 0x00)};
    if (auto revealed = tree.revealed_children({ic::label("request_status")}); !revealed.empty()) {
        ids.push_back(revealed.front());
    }
    for (const ic::Bytes& id : ids) {
        for (const char* leaf : {"status", "reply", "reject_code", "reject_message"}) {
            static_cast<void>(tree.lookup({ic::label("request_status"), id, ic::label(leaf)}));
        }
    }
    static_cast<void>(tree.lookup({}));
    if (auto subnets = tree.children({ic::label("canister_ranges")})) {
        for (const ic::Bytes& subnet : *subnets) {
            static_cast<void>(tree.children({ic::label("canister_ranges"), subnet}));
        }
    }
    for (const ic::Bytes& subnet : tree.revealed_children({ic::label("subnet")})) {
        static_cast<void>(tree.lookup({ic::label("subnet"), subnet, ic::label("public_key")}));
    }
}

// A trust anchor whose root key has the right form, so that the delegation checks run.
ic::TrustAnchor fuzz_anchor() {
    ic::Bytes root_key =
        ic::from_hex("308182301d060d2b0601040182dc7c0503010201060c2b0601040182dc7c05030201036100");
    root_key.resize(root_key.size() + 96, 0x11);
    return ic::TrustAnchor{root_key, ic::Principal(ic::Bytes{0, 0, 0, 0, 0, 0x10, 0, 1, 1, 1}),
                           1'700'000'000'000'000'000, 300'000'000'000};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        const ic::CertificateData certificate = ic::parse_certificate(ic::ByteView(data, size));
        explore(certificate.tree);
        if (certificate.delegation) {
            try {
                explore(ic::parse_certificate(certificate.delegation->certificate).tree);
            } catch (const ic::Error&) {
            }
        }
        static_cast<void>(ic::Certificate::verify(ic::ByteView(data, size), fuzz_anchor()));
    } catch (const ic::Error&) {
    }
    return 0;
}
