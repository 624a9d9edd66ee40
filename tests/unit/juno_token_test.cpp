// JUNO_TOKEN as Juno's CLI reads it. The token below was made by the real @icp-sdk/core 5.4.0
// (tests/replica/node_modules) exactly as a Juno CI token is built:
//   const id = Ed25519KeyIdentity.generate();
//   btoa(JSON.stringify({ token: id.toJSON() }))   // id.getPrincipal().toText() printed below
// The other tokens are that one's JSON varied one field at a time.
#include "cli/juno_token.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <string>
#include <vector>

#include "ic/error.hpp"

namespace {

constexpr const char* sdk_token =
    "eyJ0b2tlbiI6WyIzMDJhMzAwNTA2MDMyYjY1NzAwMzIxMDA4NWFlNzA2ZTNhNDU4N2ZkZmVkZDkzNzIyZjllZmJmNzNh"
    "MjNhZDQxYmJkYjFlNDIwM2VmYzY5OWQxZThjMzg3IiwiNTE0NTZjYTFiMWRmZmZlNzZjMGU5ZGZlYTBjYTVmMTU3Yzk3"
    "YTNhNjI2YTY2ODA1MDM4NzU5NGFmMzMzY2UzZiJdfQ==";
constexpr const char* sdk_principal =
    "jdyzf-4mpkt-6hnu4-di5qn-4ww7u-ahjf4-ts2h5-sg5so-qs6ox-ojipw-dqe";
const std::string public_der =
    "302a300506032b657003210085ae706e3a4587fdfedd93722f9efbf73a23ad41bbdb1e4203efc699d1e8c387";
const std::string raw_public = public_der.substr(24);
const std::string secret = "51456ca1b1dfffe76c0e9dfea0ca5f157c97a3a626a668050387594af333ce3f";

std::string base64(const std::string& text) {
    std::string out(4 * ((text.size() + 2) / 3) + 1, '\0');
    int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                            reinterpret_cast<const unsigned char*>(text.data()),
                            static_cast<int>(text.size()));
    out.resize(static_cast<std::size_t>(n));
    return out;
}

std::string token_json(const std::string& public_key, const std::string& secret_key) {
    return "{\"token\":[\"" + public_key + "\",\"" + secret_key + "\"]}";
}

// The error a token gives; it must not quote the token or any stretch of the secret key.
std::string token_error(const std::string& token) {
    std::string message;
    try {
        cli::identity_from_juno_token(token);
        ADD_FAILURE() << "accepted";
    } catch (const ic::Error& e) {
        EXPECT_EQ(e.kind(), ic::ErrorKind::Usage);
        message = e.what();
    }
    EXPECT_NE(message.find("JUNO_TOKEN"), std::string::npos) << message;
    if (token.size() >= 8) {
        for (std::size_t i = 0; i + 8 <= token.size(); i += 4) {
            EXPECT_EQ(message.find(token.substr(i, 8)), std::string::npos) << message;
        }
    }
    for (std::size_t i = 0; i + 8 <= secret.size(); i += 4) {
        EXPECT_EQ(message.find(secret.substr(i, 8)), std::string::npos) << message;
    }
    return message;
}

void expect_contains(const std::string& text, const std::string& part) {
    EXPECT_NE(text.find(part), std::string::npos) << "'" << part << "' not in: " << text;
}

TEST(JunoToken, ReadsTheTokenMadeByIcpSdkCore) {
    EXPECT_EQ(base64(token_json(public_der, secret)), sdk_token) << "the JSON form drifted";
    auto id = cli::identity_from_juno_token(sdk_token);
    EXPECT_EQ(id.sender().to_text(), sdk_principal);
    EXPECT_EQ(id.algorithm(), ic::Identity::Algorithm::Ed25519);
    EXPECT_EQ(ic::to_hex(id.public_key_der()), public_der);
    EXPECT_EQ(id.origin(), "JUNO_TOKEN");
    EXPECT_EQ(id.sign(ic::to_bytes("m")).size(), 64u);
}

TEST(JunoToken, AcceptsWhatAtobAccepts) {
    std::string unpadded = sdk_token;
    unpadded.erase(unpadded.find('='));
    EXPECT_EQ(cli::identity_from_juno_token(unpadded).sender().to_text(), sdk_principal);
    std::string wrapped = std::string(sdk_token).insert(76, "\n").insert(20, " ") + "\n";
    EXPECT_EQ(cli::identity_from_juno_token(wrapped).sender().to_text(), sdk_principal);
}

TEST(JunoToken, AcceptsTheSixtyFourByteSecretLayout) {
    auto id = cli::identity_from_juno_token(base64(token_json(public_der, secret + raw_public)));
    EXPECT_EQ(id.sender().to_text(), sdk_principal);
    std::string other_tail = secret + std::string(64, '1');
    expect_contains(token_error(base64(token_json(public_der, other_tail))),
                    "second half is not its public key");
}

TEST(JunoToken, RefusesBadBase64) {
    for (const char* bad : {"%%%%q9zx%%%%", "abcde", "eyJ0b2tlbiI6=W10=", "-_-_"}) {
        expect_contains(token_error(bad), "is not base64");
    }
}

TEST(JunoToken, RefusesBadJson) {
    expect_contains(token_error(base64("{\"token\": [")), "does not decode to JSON");
    expect_contains(token_error(base64("[1, 2]")), "does not decode to JSON");
    expect_contains(token_error(base64("{\"key\": []}")), "without a \"token\" field");
    expect_contains(token_error(base64("{\"token\": \"" + secret + "\"}")),
                    "not a [public key, secret key] pair");
    expect_contains(token_error(base64("{\"token\": [\"" + public_der + "\"]}")),
                    "not a [public key, secret key] pair");
    expect_contains(token_error(base64("{\"token\": [\"" + public_der + "\", 7]}")),
                    "secret key that is not a string");
    expect_contains(token_error(base64(token_json(public_der, "zz" + secret.substr(2)))),
                    "secret key that is not hexadecimal");
}

TEST(JunoToken, RefusesWrongKeyLengthsAndForms) {
    expect_contains(token_error(base64(token_json(public_der, secret.substr(2)))),
                    "secret key of 31 bytes");
    expect_contains(token_error(base64(token_json(public_der, secret + "00"))),
                    "secret key of 33 bytes");
    // A raw 32-byte public key: Ed25519PublicKey.fromDer, which Juno's CLI calls, refuses it too.
    expect_contains(token_error(base64(token_json(raw_public, secret))),
                    "public key that is not a DER Ed25519 key");
    std::string other_public = public_der;
    other_public.back() = other_public.back() == '0' ? '1' : '0';
    expect_contains(token_error(base64(token_json(other_public, secret))),
                    "public key does not match its private key");
}

TEST(JunoToken, EmptyTokenSaysTheSecretIsMissing) {
    expect_contains(token_error(""), "set but empty");
    expect_contains(token_error(" \n"), "set but empty");
}

}  // namespace
