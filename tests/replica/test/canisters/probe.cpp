// A test canister that exercises the system API through raw (non-Candid) byte messages. The
// replica's tests build it with clang's wasm32 target and -fno-builtin, since there is no libc
// to provide the memcpy clang would otherwise call (see exec.test.mjs); PROBE_TAG names the
// build, PROBE_POST_UPGRADE_TRAPS makes an upgrade to it fail.
#include <stdint.h>

#ifndef PROBE_TAG
#define PROBE_TAG "v1"
#endif

#define IC0(name) __attribute__((import_module("ic0"), import_name(#name)))
#define EXPORT(name) extern "C" __attribute__((export_name(name)))

extern "C" {
IC0(msg_arg_data_size) uint32_t ic0_msg_arg_data_size();
IC0(msg_arg_data_copy) void ic0_msg_arg_data_copy(uint32_t dst, uint32_t offset, uint32_t size);
IC0(msg_caller_size) uint32_t ic0_msg_caller_size();
IC0(msg_caller_copy) void ic0_msg_caller_copy(uint32_t dst, uint32_t offset, uint32_t size);
IC0(msg_reply_data_append) void ic0_msg_reply_data_append(uint32_t src, uint32_t size);
IC0(msg_reply) void ic0_msg_reply();
IC0(msg_reject) void ic0_msg_reject(uint32_t src, uint32_t size);
IC0(canister_self_size) uint32_t ic0_canister_self_size();
IC0(canister_self_copy) void ic0_canister_self_copy(uint32_t dst, uint32_t offset, uint32_t size);
IC0(canister_version) uint64_t ic0_canister_version();
IC0(canister_status) uint32_t ic0_canister_status();
IC0(time) uint64_t ic0_time();
IC0(stable_size) uint32_t ic0_stable_size();
IC0(stable_grow) int32_t ic0_stable_grow(uint32_t pages);
IC0(stable_read) void ic0_stable_read(uint32_t dst, uint32_t offset, uint32_t size);
IC0(stable_write) void ic0_stable_write(uint32_t offset, uint32_t src, uint32_t size);
IC0(stable64_size) uint64_t ic0_stable64_size();
IC0(stable64_grow) int64_t ic0_stable64_grow(uint64_t pages);
IC0(stable64_read) void ic0_stable64_read(uint64_t dst, uint64_t offset, uint64_t size);
IC0(stable64_write) void ic0_stable64_write(uint64_t offset, uint64_t src, uint64_t size);
IC0(certified_data_set) void ic0_certified_data_set(uint32_t src, uint32_t size);
IC0(data_certificate_present) uint32_t ic0_data_certificate_present();
IC0(is_controller) uint32_t ic0_is_controller(uint32_t src, uint32_t size);
IC0(debug_print) void ic0_debug_print(uint32_t src, uint32_t size);
[[noreturn]] IC0(trap) void ic0_trap(uint32_t src, uint32_t size);
}

namespace {

uint32_t address(const void* p) { return static_cast<uint32_t>(reinterpret_cast<uintptr_t>(p)); }

// The canister's data on the heap: a note and a counter.
unsigned char note[1024];
uint32_t note_size = 0;
uint64_t counter = 0;

unsigned char buffer[1024];

uint32_t read_arg() {
    uint32_t size = ic0_msg_arg_data_size();
    if (size > sizeof buffer) size = sizeof buffer;
    ic0_msg_arg_data_copy(address(buffer), 0, size);
    return size;
}

bool arg_is(uint32_t size, const char* text) {
    uint32_t n = 0;
    while (text[n]) ++n;
    if (n != size) return false;
    for (uint32_t i = 0; i < n; ++i)
        if (buffer[i] != static_cast<unsigned char>(text[i])) return false;
    return true;
}

template <uint32_t N>
[[noreturn]] void trap(const char (&message)[N]) {
    ic0_trap(address(message), N - 1);
}

void reply(const void* data, uint32_t size) {
    ic0_msg_reply_data_append(address(data), size);
    ic0_msg_reply();
}
void reply_u64(uint64_t value) { reply(&value, sizeof value); }  // little-endian, as wasm32 is

void set_note(uint32_t size) {
    for (uint32_t i = 0; i < size; ++i) note[i] = buffer[i];
    note_size = size;
}

// Stable memory layout: [0, 4) size, [4, ...) bytes of the note saved by pre_upgrade.
void save_note() {
    if (ic0_stable64_size() == 0) ic0_stable64_grow(1);
    ic0_stable64_write(0, address(&note_size), sizeof note_size);
    ic0_stable64_write(4, address(note), note_size);
}

}  // namespace

EXPORT("canister_init") void init() {
    uint32_t size = read_arg();
    if (arg_is(size, "trap")) trap("init refused");
    set_note(size);
}

// Replies with the previous note, so a caller sees the heap the update ran on.
EXPORT("canister_update set") void set() {
    uint32_t size = read_arg();
    for (uint32_t i = 0; i < note_size; ++i) buffer[512 + i] = note[i];
    uint32_t previous = note_size;
    set_note(size);
    reply(buffer + 512, previous);
}

EXPORT("canister_query get") void get() { reply(note, note_size); }

EXPORT("canister_query mutate") void mutate() {
    set_note(read_arg());
    counter += 1000;
    reply(note, note_size);
}

EXPORT("canister_update bump") void bump() { reply_u64(++counter); }
EXPORT("canister_query counter") void get_counter() { reply_u64(counter); }

// Changes the heap, stable memory and certified data, then traps: none of it may stay.
EXPORT("canister_update set_then_trap") void set_then_trap() {
    set_note(read_arg());
    counter += 1;
    save_note();
    ic0_certified_data_set(address(note), note_size < 32 ? note_size : 32);
    trap("changed my mind");
}
EXPORT("canister_update set_then_unreachable") void set_then_unreachable() {
    set_note(read_arg());
    __builtin_trap();
}

EXPORT("canister_update save") void save() {
    save_note();
    reply(nullptr, 0);
}
EXPORT("canister_query saved") void saved() {
    uint32_t size = 0;
    if (ic0_stable_size() > 0) ic0_stable_read(address(&size), 0, sizeof size);
    if (size > sizeof buffer) size = sizeof buffer;
    ic0_stable_read(address(buffer), 4, size);
    reply(buffer, size);
}
EXPORT("canister_update grow") void grow() {
    uint32_t size = read_arg();
    uint32_t pages = size > 0 ? buffer[0] : 1;
    int32_t before = ic0_stable_grow(pages);
    reply(&before, sizeof before);
}
EXPORT("canister_query stable_size") void stable_size() { reply_u64(ic0_stable64_size()); }
EXPORT("canister_update read_past_end") void read_past_end() {
    ic0_stable64_read(address(buffer), ic0_stable64_size() * 65536, 1);
    reply(nullptr, 0);
}

EXPORT("canister_update reject") void reject_it() {
    counter += 1;
    static const char message[] = "not today";
    ic0_msg_reject(address(message), sizeof message - 1);
}
EXPORT("canister_update silent") void silent() { counter += 1; }

EXPORT("canister_update whoami") void whoami() {
    uint32_t size = ic0_msg_caller_size();
    ic0_msg_caller_copy(address(buffer), 0, size);
    reply(buffer, size);
}
EXPORT("canister_query self") void self() {
    uint32_t size = ic0_canister_self_size();
    ic0_canister_self_copy(address(buffer), 0, size);
    reply(buffer, size);
}
EXPORT("canister_update version") void version() { reply_u64(ic0_canister_version()); }
EXPORT("canister_query time") void time() { reply_u64(ic0_time()); }
EXPORT("canister_query status") void status() { reply_u64(ic0_canister_status()); }
EXPORT("canister_query certificate_present") void certificate_present() {
    reply_u64(ic0_data_certificate_present());
}
EXPORT("canister_update certify") void certify() {
    uint32_t size = read_arg();
    ic0_certified_data_set(address(buffer), size);
    reply(nullptr, 0);
}
EXPORT("canister_query controller") void controller() {
    uint32_t size = read_arg();
    reply_u64(ic0_is_controller(address(buffer), size));
}
EXPORT("canister_update print") void print() {
    uint32_t size = read_arg();
    ic0_debug_print(address(buffer), size);
    reply(nullptr, 0);
}
// A query may not set certified data: a contract violation.
EXPORT("canister_query certify_in_query") void certify_in_query() {
    ic0_certified_data_set(address(buffer), 1);
    reply(nullptr, 0);
}
EXPORT("canister_query tag") void tag() {
    static const char text[] = PROBE_TAG;
    reply(text, sizeof text - 1);
}

EXPORT("canister_pre_upgrade") void pre_upgrade() {
    static const char refuse[] = "refuse upgrade";
    bool refused = note_size == sizeof refuse - 1;
    for (uint32_t i = 0; refused && i < note_size; ++i)
        refused = note[i] == static_cast<unsigned char>(refuse[i]);
    if (refused) trap("pre_upgrade refused");
    save_note();
}

EXPORT("canister_post_upgrade") void post_upgrade() {
    uint32_t size = 0;
    ic0_stable64_read(address(&size), 0, sizeof size);
    if (size > sizeof note) trap("bad stable memory");
    ic0_stable64_read(address(note), 4, size);
    note_size = size;
#ifdef PROBE_POST_UPGRADE_TRAPS
    trap("post_upgrade refused");
#endif
}
