// Byte strings and their hexadecimal form.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ic {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

std::string to_hex(ByteView bytes);
// Accepts upper or lower case and an optional "0x" prefix; throws ic::Error (Usage) otherwise.
Bytes from_hex(std::string_view hex);

inline Bytes to_bytes(std::string_view text) { return Bytes(text.begin(), text.end()); }
inline ByteView view(std::string_view text) {
    return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

inline void append(Bytes& out, ByteView more) { out.insert(out.end(), more.begin(), more.end()); }

}  // namespace ic
