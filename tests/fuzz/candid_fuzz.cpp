// libFuzzer target for the Candid decoder: replies come from the network, so any input must end
// in values or an ic::Error. Anything else (another exception, a crash, a sanitizer report, a
// timeout or an out-of-memory) is a bug.
#include <cstddef>
#include <cstdint>

#include "ic/candid.hpp"
#include "ic/error.hpp"

namespace {

// Exercises the accessors too, as the helper reads replies through them.
void touch(const ic::candid::Value& value, int depth) {
    if (depth > 8) return;
    try {
        (void)value.as_opt();
        if (const auto* fields = std::get_if<ic::candid::Record>(&value.storage())) {
            for (const auto& [id, field] : *fields) touch(field, depth + 1);
            (void)value.find("canister_id");
            (void)value.opt_field("module_hash");
        } else if (std::holds_alternative<std::vector<ic::candid::VariantValue>>(value.storage())) {
            touch(value.variant_value(), depth + 1);
        } else if (std::holds_alternative<ic::candid::BigInt>(value.storage())) {
            (void)value.as_bigint().to_string();
            (void)value.as_u64();
        }
    } catch (const ic::Error&) {
        // Wrong kinds and numbers that do not fit are reported this way.
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        auto values = ic::candid::decode(ic::ByteView(data, size));
        for (const auto& v : values) touch(v, 0);
    } catch (const ic::Error&) {
        // Malformed input is expected to be rejected this way.
    }
    return 0;
}
