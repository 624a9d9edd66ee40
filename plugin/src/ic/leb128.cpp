#include "ic/leb128.hpp"

#include "ic/error.hpp"

namespace ic {

void write_uleb128(Bytes& out, std::uint64_t value) {
    do {
        std::uint8_t byte = value & 0x7f;
        value >>= 7;
        if (value != 0) byte |= 0x80;
        out.push_back(byte);
    } while (value != 0);
}

void write_sleb128(Bytes& out, std::int64_t value) {
    bool more = true;
    while (more) {
        std::uint8_t byte = static_cast<std::uint8_t>(value & 0x7f);
        value >>= 7;  // arithmetic shift: keeps the sign
        bool sign_bit = (byte & 0x40) != 0;
        more = !((value == 0 && !sign_bit) || (value == -1 && sign_bit));
        if (more) byte |= 0x80;
        out.push_back(byte);
    }
}

std::uint64_t read_uleb128(ByteView in, std::size_t& pos) {
    std::uint64_t result = 0;
    for (unsigned shift = 0;; shift += 7) {
        if (pos >= in.size()) fail(ErrorKind::Protocol, "truncated LEB128 number");
        std::uint8_t byte = in[pos++];
        std::uint64_t bits = byte & 0x7f;
        if (shift >= 70 || (shift == 63 && bits > 1) || (shift > 63 && bits != 0)) {
            fail(ErrorKind::Protocol, "LEB128 number exceeds 64 bits");
        }
        if (shift < 64) result |= bits << shift;
        if ((byte & 0x80) == 0) return result;
    }
}

std::int64_t read_sleb128(ByteView in, std::size_t& pos) {
    std::int64_t result = 0;
    unsigned shift = 0;
    std::uint8_t byte = 0;
    do {
        if (pos >= in.size()) fail(ErrorKind::Protocol, "truncated SLEB128 number");
        if (shift >= 70) fail(ErrorKind::Protocol, "SLEB128 number exceeds 64 bits");
        byte = in[pos++];
        if (shift < 64)
            result |= static_cast<std::int64_t>(static_cast<std::uint64_t>(byte & 0x7f) << shift);
        shift += 7;
    } while (byte & 0x80);
    if (shift < 64 && (byte & 0x40))
        result |= static_cast<std::int64_t>(~std::uint64_t{0} << shift);
    return result;
}

}  // namespace ic
