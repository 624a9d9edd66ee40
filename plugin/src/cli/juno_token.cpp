#include "cli/juno_token.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <array>
#include <string>

#include "ic/error.hpp"

namespace cli {

using ic::ErrorKind;
using ic::fail;

namespace {

// Every buffer that holds the token, or a part of it, is wiped however decoding ends.
struct SecretText {
    std::string text;
    SecretText() = default;
    SecretText(const SecretText&) = delete;
    SecretText& operator=(const SecretText&) = delete;
    ~SecretText() { OPENSSL_cleanse(text.data(), text.size()); }
};
struct SecretBytes {
    ic::Bytes bytes;
    SecretBytes() = default;
    SecretBytes(const SecretBytes&) = delete;
    SecretBytes& operator=(const SecretBytes&) = delete;
    ~SecretBytes() { OPENSSL_cleanse(bytes.data(), bytes.size()); }
};

constexpr const char* expected_form =
    "Juno's CLI expects base64 of {\"token\": [<public key>, <secret key>]}; copy it again from "
    "where you got it (the Juno Console shows it when it adds a controller for CI)";

[[noreturn]] void bad_token(const std::string& why) {
    fail(ErrorKind::Usage, "JUNO_TOKEN " + why + ". " + expected_form +
                               ". (The token is not shown: it is a secret key.)");
}

bool is_base64_character(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
           c == '/';
}

// atob's rules, which Juno's CLI uses: ASCII whitespace is ignored and padding is optional.
void decode_base64(std::string_view token, SecretText& out) {
    SecretText clean;
    clean.text.reserve(token.size() + 3);
    for (char c : token) {
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '\f') clean.text += c;
    }
    std::size_t padding = 0;
    while (!clean.text.empty() && clean.text.back() == '=' && padding < 2) {
        clean.text.pop_back();
        ++padding;
    }
    if (clean.text.empty() || clean.text.size() % 4 == 1 ||
        !std::all_of(clean.text.begin(), clean.text.end(), is_base64_character)) {
        bad_token("is not base64");
    }
    if (padding != 0 && (clean.text.size() + padding) % 4 != 0) bad_token("is not base64");
    const std::size_t size =
        clean.text.size() / 4 * 3 + (clean.text.size() % 4 == 0 ? 0 : clean.text.size() % 4 - 1);
    while (clean.text.size() % 4 != 0) clean.text += '=';
    out.text.assign(clean.text.size() / 4 * 3, '\0');
    const int decoded = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.text.data()),
                                        reinterpret_cast<const unsigned char*>(clean.text.data()),
                                        static_cast<int>(clean.text.size()));
    if (decoded < 0 || static_cast<std::size_t>(decoded) < size) bad_token("is not base64");
    out.text.resize(size);
}

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// ic::from_hex would quote its input in an error; this one says only which part is wrong.
void decode_hex(const rapidjson::Value& value, const char* part, SecretBytes& out) {
    if (!value.IsString()) bad_token(std::string("holds a ") + part + " that is not a string");
    std::string_view hex(value.GetString(), value.GetStringLength());
    if (hex.size() % 2 != 0) bad_token(std::string("holds a ") + part + " that is not hexadecimal");
    out.bytes.resize(hex.size() / 2);
    for (std::size_t i = 0; i < out.bytes.size(); ++i) {
        const int high = hex_digit(hex[2 * i]);
        const int low = hex_digit(hex[2 * i + 1]);
        if (high < 0 || low < 0) {
            bad_token(std::string("holds a ") + part + " that is not hexadecimal");
        }
        out.bytes[i] = static_cast<std::uint8_t>(high << 4 | low);
    }
}

}  // namespace

ic::Identity identity_from_juno_token(std::string_view token) {
    if (token.find_first_not_of(" \t\r\n") == std::string_view::npos) {
        fail(ErrorKind::Usage,
             "JUNO_TOKEN is set but empty (in CI: is the secret it comes from defined for this "
             "job?). Set it to the token from the Juno Console, or unset it and give an identity "
             "(--identity, JUNO_IDENTITY or IDENTITY)");
    }
    SecretText json;
    decode_base64(token, json);

    // Parsed in place, so that the key's hex digits stay in `json`, which is wiped.
    rapidjson::Document doc;
    doc.ParseInsitu(json.text.data());
    if (doc.HasParseError() || !doc.IsObject()) bad_token("does not decode to JSON");
    const rapidjson::Value& root = doc;
    auto entry = root.FindMember("token");
    if (entry == root.MemberEnd()) bad_token("decodes to JSON without a \"token\" field");
    const rapidjson::Value& pair = entry->value;
    if (!pair.IsArray() || pair.Size() < 2) {
        bad_token("has a \"token\" that is not a [public key, secret key] pair");
    }
    SecretBytes public_der, secret;
    decode_hex(pair[0], "public key", public_der);
    decode_hex(pair[1], "secret key", secret);

    // The public key is DER, as Ed25519PublicKey.fromDer (what Juno's CLI calls) requires.
    static constexpr std::array<std::uint8_t, 12> ed25519_spki_prefix = {
        0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};
    if (public_der.bytes.size() != 44 ||
        !std::equal(ed25519_spki_prefix.begin(), ed25519_spki_prefix.end(),
                    public_der.bytes.begin())) {
        bad_token("holds a public key that is not a DER Ed25519 key (44 bytes)");
    }
    const ic::ByteView public_key = ic::ByteView(public_der.bytes).subspan(12);
    // A 64-byte secret is seed || public key (NaCl's layout, older agents); @icp-sdk/core signs
    // with its first 32 bytes.
    if (secret.bytes.size() != 32 && secret.bytes.size() != 64) {
        bad_token("holds a secret key of " + std::to_string(secret.bytes.size()) +
                  " bytes; an Ed25519 secret key has 32 (or 64: the key and its public key)");
    }
    const ic::ByteView seed = ic::ByteView(secret.bytes).first(32);
    if (secret.bytes.size() == 64 &&
        !std::equal(public_key.begin(), public_key.end(), secret.bytes.begin() + 32)) {
        bad_token("holds a 64-byte secret key whose second half is not its public key");
    }
    ic::Identity identity = ic::Identity::from_ed25519_seed(seed, public_key, "JUNO_TOKEN");
    identity.set_origin("JUNO_TOKEN");
    return identity;
}

}  // namespace cli
