// Cross-checks the helper's BLS12-381 verifier against @noble/curves: bls_vectors.mjs writes
// signatures noble made with random keys (which must verify), forgeries noble refuses (which
// must be refused, each for the stated reason), and noble's hashes to G1 (which must be equal).
// The vectors' path comes in JUNO_CROSSCHECK_BLS_VECTORS.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>

#include "ic/bls.hpp"
#include "ic/bls12_381_hash_to_curve.hpp"
#include "ic/bytes.hpp"
#include "ic/error.hpp"

namespace {

using Json = rapidjson::Value;

const rapidjson::Document& vectors() {
    static const rapidjson::Document document = [] {
        const char* path = std::getenv("JUNO_CROSSCHECK_BLS_VECTORS");
        if (path == nullptr || *path == '\0') {
            throw std::runtime_error(
                "JUNO_CROSSCHECK_BLS_VECTORS is not set: run through ctest (crosscheck.bls), or "
                "write vectors with `node tests/crosscheck/bls_vectors.mjs <file>` first");
        }
        std::ifstream in(path, std::ios::binary);
        if (!in) throw std::runtime_error(std::string("cannot read vectors from ") + path);
        std::stringstream text;
        text << in.rdbuf();
        rapidjson::Document d;
        d.Parse(text.str().c_str(), text.str().size());
        if (d.HasParseError() || !d.IsObject()) {
            throw std::runtime_error(std::string(path) + " is not a JSON object");
        }
        return d;
    }();
    return document;
}

std::string str(const Json& v) { return {v.GetString(), v.GetStringLength()}; }
ic::Bytes hex(const Json& v) { return ic::from_hex(str(v)); }
std::string seed() { return str(vectors()["seed"]); }

// What the helper must say about each kind of forgery; "any" accepts any verification error
// (a flipped coordinate bit may leave the curve, the group or the field, or just not match).
const std::map<std::string, std::string> expected_reasons{
    {"any", ""},
    {"mismatch", "the signature does not match the message and key"},
    {"signature off curve", "the signature is not on the curve"},
    {"signature outside group", "the signature is on the curve but not in the group G1"},
    {"signature infinity", "the signature is the point at infinity"},
    {"signature uncompressed", "the signature is not compressed"},
    {"signature x too large", "the signature has an x coordinate that is not below p"},
    {"signature length", "the signature has 47 bytes, not 48"},
    {"key off curve", "the public key is not on the curve"},
    {"key outside group", "the public key is on the curve but not in the group G2"},
    {"key infinity", "the public key is the point at infinity"},
    {"key uncompressed", "the public key is not compressed"},
    {"key x too large", "the public key has an x coordinate that is not below p"},
};

TEST(BlsCrosscheck, AcceptsEverySignatureNobleMade) {
    const Json& valid = vectors()["valid"];
    ASSERT_GT(valid.Size(), 0u);
    for (const Json& v : valid.GetArray()) {
        SCOPED_TRACE("seed " + seed() + ", key " + str(v["public_key"]) + ", message " +
                     str(v["message"]));
        EXPECT_NO_THROW(
            ic::bls_verify_or_throw(hex(v["public_key"]), hex(v["signature"]), hex(v["message"])));
    }
}

TEST(BlsCrosscheck, RefusesEveryForgeryForItsReason) {
    const Json& invalid = vectors()["invalid"];
    ASSERT_GT(invalid.Size(), 0u);
    for (const Json& v : invalid.GetArray()) {
        const std::string reason = str(v["reason"]);
        SCOPED_TRACE("seed " + seed() + ", " + reason + ": key " + str(v["public_key"]) +
                     ", signature " + str(v["signature"]) + ", message " + str(v["message"]));
        ASSERT_EQ(expected_reasons.count(reason), 1u) << "unknown reason " << reason;
        try {
            ic::bls_verify_or_throw(hex(v["public_key"]), hex(v["signature"]), hex(v["message"]));
            ADD_FAILURE() << "accepted";
        } catch (const ic::Error& e) {
            EXPECT_EQ(e.kind(), ic::ErrorKind::Verification);
            EXPECT_NE(std::string(e.what()).find(expected_reasons.at(reason)), std::string::npos)
                << e.what();
        }
        EXPECT_FALSE(ic::bls_verify(hex(v["public_key"]), hex(v["signature"]), hex(v["message"])));
    }
}

TEST(BlsCrosscheck, HashesToTheSamePointsAsNoble) {
    using namespace ic::bls12_381;
    const Json& hashes = vectors()["hashes"];
    ASSERT_GT(hashes.Size(), 0u);
    for (const Json& v : hashes.GetArray()) {
        SCOPED_TRACE("seed " + seed() + ", message " + str(v["message"]));
        const std::string dst = str(v["dst"]);
        const G1Affine point = hash_to_g1(hex(v["message"]), ic::view(dst)).to_affine().value();
        EXPECT_EQ(ic::to_hex(g1_compress(point)), str(v["point"]));
    }
}

}  // namespace
