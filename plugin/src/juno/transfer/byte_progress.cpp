#include "juno/transfer/byte_progress.hpp"

#include <memory>
#include <optional>

#include "juno/module.hpp"

namespace juno::transfer {

namespace {

// What one transfer's callback keeps: its meter once started, and the running total it has
// told the meter (the meter takes increments).
struct MeterState {
    std::optional<Meter> meter;
    std::uint64_t told = 0;
};

}  // namespace

ByteProgress meter_progress(Console& console, std::string label) {
    auto state = std::make_shared<MeterState>();
    return [&console, label = std::move(label), state](std::uint64_t done, std::uint64_t total) {
        if (state->meter == std::nullopt) {
            if (total == 0) return;  // nothing to transfer
            state->meter.emplace(console.start(label + " " + format_size(total), total));
        }
        if (done > state->told) {
            state->meter->add(done - state->told);
            state->told = done;
        }
        if (done >= total) state->meter->finish();
    };
}

}  // namespace juno::transfer
