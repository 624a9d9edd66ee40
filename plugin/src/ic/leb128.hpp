// LEB128, the integer encoding of Candid and of hash-tree leaves such as /time.
#pragma once

#include <cstdint>

#include "ic/bytes.hpp"

namespace ic {

void write_uleb128(Bytes& out, std::uint64_t value);
void write_sleb128(Bytes& out, std::int64_t value);

// Readers advance `pos` and throw ic::Error (Protocol) on truncated input or on values that do
// not fit 64 bits.
std::uint64_t read_uleb128(ByteView in, std::size_t& pos);
std::int64_t read_sleb128(ByteView in, std::size_t& pos);

}  // namespace ic
