// Principals: the IC's ids for canisters and users, and their textual form.
#pragma once

#include <compare>
#include <string>
#include <string_view>

#include "ic/bytes.hpp"

namespace ic {

class Principal {
public:
    static constexpr std::size_t max_length = 29;

    Principal() = default;  // the management canister, aaaaa-aa
    // Throws ic::Error (Usage) when longer than 29 bytes.
    explicit Principal(Bytes bytes);

    // "xxxxx-xxxxx-...": case-insensitive, checksum verified. Throws ic::Error (Usage) naming the
    // problem (bad character, bad grouping, wrong checksum).
    static Principal from_text(std::string_view text);
    static Principal management() { return Principal(); }
    static Principal anonymous() { return Principal(Bytes{0x04}); }
    // sha224(der_public_key) || 0x02
    static Principal self_authenticating(ByteView der_public_key);

    std::string to_text() const;
    const Bytes& bytes() const { return bytes_; }
    bool is_anonymous() const { return bytes_ == Bytes{0x04}; }

    auto operator<=>(const Principal&) const = default;

private:
    Bytes bytes_;
};

}  // namespace ic
