// libFuzzer target: CBOR from the network. Decoding ends in a value or an ic::Error, and what
// decodes survives a round trip through the canonical encoder.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "ic/cbor.hpp"
#include "ic/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    ic::cbor::Value value;
    try {
        value = ic::cbor::decode(ic::ByteView(data, size));
    } catch (const ic::Error&) {
        return 0;
    }
    // Non-canonical input (indefinite lengths, long-form heads, chunked strings) decodes to the
    // same model as its canonical form, so the round trip compares values, not bytes. decode drops
    // one leading self-describe tag, so it is put back only when the value itself is such a tag:
    // then the encoding nests exactly as deep as the input did and stays within the depth limit.
    const bool tag_again = value.is_tagged() && value.tag() == ic::cbor::self_describe_tag;
    const ic::Bytes encoded = ic::cbor::encode(value, tag_again);
    try {
        if (!(ic::cbor::decode(encoded) == value)) std::abort();
    } catch (const ic::Error&) {
        std::abort();  // the encoder produced bytes the decoder refuses
    }
    return 0;
}
