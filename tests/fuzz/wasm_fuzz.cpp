// libFuzzer target: the Wasm structure check (juno/wasm.hpp) on arbitrary bytes. It must accept or
// refuse with ic::Error, never read out of bounds or loop.
#include <cstddef>
#include <cstdint>

#include "ic/error.hpp"
#include "juno/wasm.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        juno::check_wasm_structure(ic::ByteView(data, size), "fuzz");
    } catch (const ic::Error&) {
    }
    return 0;
}
