// A small canister in C++: a counter with an update `increment`, queries `get` and `version`, and
// upgrade hooks that carry the count across upgrades in stable memory. Version 2 counts in steps of
// 10, so an upgrade (and a restore) is visible from outside. The "broken" build traps in
// post_upgrade, the way a release that cannot read its predecessor's data fails: the IC then keeps
// the previous module and its state.
#include <stdint.h>

#ifndef SATELLITE_STEP
#define SATELLITE_STEP 1
#endif
#ifndef SATELLITE_VERSION_TEXT
#define SATELLITE_VERSION_TEXT "1"
#endif
#ifndef SATELLITE_TRAP_IN_POST_UPGRADE
#define SATELLITE_TRAP_IN_POST_UPGRADE 0
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
[[noreturn]] IC0(trap) void ic0_trap(uint32_t src, uint32_t size);
}

// The Candid interface, as the `icp:public candid:service` custom section that IC tools (icp,
// dfx, the NNS dapp) read to know the methods, their argument types and which ones are queries.
// wasm-ld keeps sections named `.custom_section.<name>` as custom sections of the module.
asm(".section \".custom_section.icp:public candid:service\",\"\",@\n"
    ".ascii \"service : {\\n"
    "  increment : () -> (nat64);\\n"
    "  get : () -> (nat64) query;\\n"
    "  version : () -> (text) query;\\n"
    "}\\n\"\n");

// Juno's package metadata, which Juno's CLI and juno-helper read before an upgrade (the kind, and
// that versions go up one step at a time): the `icp:public juno:package` section, JSON
// {name, version}. The IC serves it to anyone at canister/<id>/metadata/juno:package.
asm(".section \".custom_section.icp:public juno:package\",\"\",@\n"
    ".ascii "
    "\"{\\\"name\\\":\\\"@junobuild/satellite\\\",\\\"version\\\":\\\"" SATELLITE_PACKAGE_VERSION
    "\\\"}\"\n");

namespace {

uint64_t counter = 0;

uint32_t address(const void* p) { return static_cast<uint32_t>(reinterpret_cast<uintptr_t>(p)); }

template <uint32_t N>
[[noreturn]] void trap(const char (&message)[N]) {
    ic0_trap(address(message), N - 1);
}

// Replies with the Candid value (nat64): "DIDL", no type table, one argument of type nat64.
void reply_nat64(uint64_t value) {
    unsigned char message[15] = {'D', 'I', 'D', 'L', 0x00, 0x01, 0x78};
    for (int i = 0; i < 8; ++i) message[7 + i] = static_cast<unsigned char>(value >> (8 * i));
    ic0_msg_reply_data_append(address(message), sizeof message);
    ic0_msg_reply();
}

// Replies with the Candid value (text): type 0x71, then the LEB128 length (short texts only).
template <uint32_t N>
void reply_text(const char (&text)[N]) {
    static_assert(N - 1 < 128, "one-byte LEB128 length");
    unsigned char header[8] = {'D',  'I',  'D',  'L',
                               0x00, 0x01, 0x71, static_cast<unsigned char>(N - 1)};
    ic0_msg_reply_data_append(address(header), sizeof header);
    ic0_msg_reply_data_append(address(text), N - 1);
    ic0_msg_reply();
}

}  // namespace

EXPORT("canister_update increment") void increment() {
    counter += SATELLITE_STEP;
    reply_nat64(counter);
}

EXPORT("canister_query get") void get() { reply_nat64(counter); }

EXPORT("canister_query version") void version() { reply_text(SATELLITE_VERSION_TEXT); }

EXPORT("canister_pre_upgrade") void pre_upgrade() {
    if (ic0_stable64_size() == 0) ic0_stable64_grow(1);
    ic0_stable64_write(0, address(&counter), sizeof counter);
}

EXPORT("canister_post_upgrade") void post_upgrade() {
    if (ic0_stable64_size() > 0) ic0_stable64_read(address(&counter), 0, sizeof counter);
    if (SATELLITE_TRAP_IN_POST_UPGRADE)
        trap("this build cannot read the counter saved by the previous version");
}
