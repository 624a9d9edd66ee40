// One small C++ canister source for both modules of this example: a counter with an update
// `increment`, a query `get`, and upgrade hooks that keep the count in stable memory.
// MODULE_STEP sets how much increment() adds, so each module (and each version) is recognisable.
#include <stdint.h>

#ifndef MODULE_STEP
#define MODULE_STEP 1
#endif

#define IC0(name) __attribute__((import_module("ic0"), import_name(#name)))
#define EXPORT(name) extern "C" __attribute__((export_name(name)))

extern "C" {
IC0(msg_reply) void ic0_msg_reply();
IC0(msg_reply_data_append) void ic0_msg_reply_data_append(uint32_t src, uint32_t size);
IC0(stable64_size) uint64_t ic0_stable64_size();
IC0(stable64_grow) int64_t ic0_stable64_grow(uint64_t pages);
IC0(stable64_write) void ic0_stable64_write(uint64_t offset, uint64_t src, uint64_t size);
IC0(stable64_read) void ic0_stable64_read(uint64_t dst, uint64_t offset, uint64_t size);
}

namespace {

uint64_t counter = 0;

uint32_t address(const void* p) { return static_cast<uint32_t>(reinterpret_cast<uintptr_t>(p)); }

// Replies with the Candid value (nat64).
void reply_nat64(uint64_t value) {
    unsigned char message[15] = {'D', 'I', 'D', 'L', 0x00, 0x01, 0x78};
    for (int i = 0; i < 8; ++i) message[7 + i] = static_cast<unsigned char>(value >> (8 * i));
    ic0_msg_reply_data_append(address(message), sizeof message);
    ic0_msg_reply();
}

}  // namespace

EXPORT("canister_update increment") void increment() {
    counter += MODULE_STEP;
    reply_nat64(counter);
}

EXPORT("canister_query get") void get() { reply_nat64(counter); }

EXPORT("canister_pre_upgrade") void pre_upgrade() {
    if (ic0_stable64_size() == 0) ic0_stable64_grow(1);
    ic0_stable64_write(0, address(&counter), sizeof counter);
}

EXPORT("canister_post_upgrade") void post_upgrade() {
    if (ic0_stable64_size() > 0) ic0_stable64_read(address(&counter), 0, sizeof counter);
}
