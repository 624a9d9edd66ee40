#include "ic/principal.hpp"

#include <openssl/evp.h>
#include <zlib.h>

#include <cctype>

#include "ic/error.hpp"

namespace ic {

namespace {

constexpr char base32_alphabet[] = "abcdefghijklmnopqrstuvwxyz234567";

std::string base32_encode(ByteView data) {
    std::string out;
    std::uint32_t buffer = 0;
    int bits = 0;
    for (auto byte : data) {
        buffer = (buffer << 8) | byte;
        bits += 8;
        while (bits >= 5) {
            out.push_back(base32_alphabet[(buffer >> (bits - 5)) & 31]);
            bits -= 5;
        }
    }
    if (bits > 0) out.push_back(base32_alphabet[(buffer << (5 - bits)) & 31]);
    return out;
}

int base32_value(char c) {
    if (c >= 'a' && c <= 'z') return c - 'a';
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= '2' && c <= '7') return c - '2' + 26;
    return -1;
}

std::uint32_t crc32_of(ByteView data) {
    return static_cast<std::uint32_t>(
        crc32(crc32(0L, Z_NULL, 0), data.data(), static_cast<uInt>(data.size())));
}

Bytes checksummed(const Bytes& bytes) {
    std::uint32_t crc = crc32_of(bytes);
    Bytes out;
    out.reserve(4 + bytes.size());
    for (int shift = 24; shift >= 0; shift -= 8)
        out.push_back(static_cast<std::uint8_t>(crc >> shift));
    append(out, bytes);
    return out;
}

[[noreturn]] void bad_text(std::string_view text, const std::string& why) {
    fail(ErrorKind::Usage, "'" + std::string(text) + "' is not a valid principal: " + why);
}

}  // namespace

Principal::Principal(Bytes bytes) : bytes_(std::move(bytes)) {
    if (bytes_.size() > max_length) {
        fail(ErrorKind::Usage,
             "a principal is at most 29 bytes, got " + std::to_string(bytes_.size()));
    }
}

Principal Principal::from_text(std::string_view text) {
    if (text.empty()) bad_text(text, "it is empty");
    std::uint32_t buffer = 0;
    int bits = 0;
    Bytes decoded;
    for (char c : text) {
        if (c == '-') continue;
        int v = base32_value(c);
        if (v < 0) bad_text(text, std::string("unexpected character '") + c + "'");
        buffer = (buffer << 5) | static_cast<std::uint32_t>(v);
        bits += 5;
        if (bits >= 8) {
            decoded.push_back(static_cast<std::uint8_t>(buffer >> (bits - 8)));
            bits -= 8;
        }
    }
    if (decoded.size() < 4) bad_text(text, "it is too short");
    Bytes body(decoded.begin() + 4, decoded.end());
    if (body.size() > max_length) bad_text(text, "it is longer than 29 bytes");
    Principal principal(std::move(body));
    // Re-encoding catches a wrong checksum, wrong dashes and stray padding bits in one check.
    std::string canonical = principal.to_text();
    std::string lowered(text);
    for (auto& c : lowered) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (canonical != lowered) {
        if (checksummed(principal.bytes_) != decoded) bad_text(text, "the checksum does not match");
        bad_text(text, "it is not in canonical form (expected '" + canonical + "')");
    }
    return principal;
}

Principal Principal::self_authenticating(ByteView der_public_key) {
    Bytes out(28);
    unsigned int len = 0;
    EVP_Digest(der_public_key.data(), der_public_key.size(), out.data(), &len, EVP_sha224(),
               nullptr);
    out.push_back(0x02);
    return Principal(std::move(out));
}

std::string Principal::to_text() const {
    std::string plain = base32_encode(checksummed(bytes_));
    std::string out;
    for (std::size_t i = 0; i < plain.size(); ++i) {
        if (i > 0 && i % 5 == 0) out.push_back('-');
        out.push_back(plain[i]);
    }
    return out;
}

}  // namespace ic
