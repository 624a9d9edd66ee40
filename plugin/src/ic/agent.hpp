// The agent: signs requests, sends them, waits for and checks their certified replies.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "ic/bytes.hpp"
#include "ic/cbor.hpp"
#include "ic/certificate.hpp"
#include "ic/identity.hpp"
#include "ic/principal.hpp"
#include "ic/sha256.hpp"
#include "ic/transport.hpp"

namespace ic {

// Where the root key comes from: built in (mainnet), read from the replica, or given.
struct RootKeySource {
    enum class Kind { Mainnet, Fetch, Given } kind = Kind::Mainnet;
    Bytes der;  // Given only
};

struct AgentOptions {
    std::string url;  // scheme://host[:port]
    RootKeySource root_key;
    // Requests expire this long after they are signed (the IC admits up to 5 minutes).
    std::chrono::seconds ingress_expiry{240};
    // How long to keep polling for the outcome of one call.
    std::chrono::seconds max_polling_time{300};
    TransportOptions transport;
    // Called with one line of progress text (HTTP fallbacks, retries); may be empty.
    std::function<void(const std::string&)> on_notice;
};

// What the IC says of a request, read from /request_status/<id>.
enum class RequestState {
    Unknown,   // not (yet) received: it may still arrive until its ingress expiry
    Pending,   // received or processing
    Replied,   // executed, with a reply
    Rejected,  // executed (or refused), with a rejection
    Done,      // executed long ago; the reply is gone
};

// Told of each update call once it is signed and before it is sent: which method, its request
// id, and its ingress expiry (nanoseconds since the epoch, by the replica's clock). A journal
// records these so that a later run can ask the IC what became of a call whose sender died.
using CallObserver =
    std::function<void(const std::string& method, const Hash& request_id, std::uint64_t expiry)>;

class Agent {
public:
    Agent(Identity identity, AgentOptions options);

    void observe_calls(CallObserver observer) { observer_ = std::move(observer); }

    // The IC's word on an earlier request of this identity (read_state, certified).
    RequestState request_state(const Principal& effective_canister_id, const Hash& request_id);
    // Now, by the replica's clock as far as the agent knows it (nanoseconds since the epoch).
    std::uint64_t replica_now() const { return now_ns(); }

    // An update call: certified reply bytes, or ic::RejectError. The effective canister id
    // routes the request (for the management canister it is the target canister).
    Bytes update(const Principal& canister_id, const Principal& effective_canister_id,
                 const std::string& method, const Bytes& arg);

    // A read_state request; the certificate is verified before it is returned.
    Certificate read_state(const Principal& effective_canister_id,
                           const std::vector<std::vector<Bytes>>& paths);

    // A second agent for another thread: same identity, root key and clock, its own handle on the
    // same connection pool. A root key still to be fetched is fetched once for all of them.
    Agent fork() const;

    const Identity& identity() const { return identity_; }
    // The root key; with RootKeySource::Fetch, read from the replica on first use (thread-safe
    // across forks: one fetch, the others wait for it). Throws ic::Error as fetch_root_key does.
    const Bytes& root_key();
    const std::string& url() const { return transport_.base_url(); }

private:
    struct Call {
        Hash request_id;
        Bytes body;
        std::uint64_t expiry = 0;
    };
    Call sign_call(const Principal& canister_id, const std::string& method, const Bytes& arg);
    Bytes sign_envelope(cbor::Map content, Hash* request_id, bool anonymous = false);
    std::uint64_t next_expiry() const;
    std::uint64_t now_ns() const;
    Certificate check(ByteView certificate_cbor, const Principal& effective_canister_id);
    // Interprets a certificate's /request_status/<id>; nullopt while the call is still pending.
    std::optional<Bytes> outcome(const Certificate& certificate, const Hash& request_id);
    Bytes poll(const Principal& effective_canister_id, const Hash& request_id);
    // The certificate bytes of a read_state reply, unchecked. Anonymous requests are exempt from
    // the expiry window, which is what reading /time with a skewed clock needs.
    Bytes read_state_certificate(const Principal& effective_canister_id,
                                 const std::vector<std::vector<Bytes>>& paths,
                                 bool anonymous = false);
    void sync_time(const Principal& effective_canister_id);
    void notice(const std::string& text) const;

    Identity identity_;
    AgentOptions options_;
    Transport transport_;
    // Shared by forks, so that a fetch one of them started serves the others.
    struct RootKey {
        std::mutex mutex;
        std::optional<Bytes> der;
    };
    std::shared_ptr<RootKey> root_key_ = std::make_shared<RootKey>();
    std::int64_t clock_offset_ns_ = 0;  // replica time minus local time, once learned
    bool v4_call_supported_ = true;
    bool v3_read_state_supported_ = true;
    CallObserver observer_;  // not carried over by fork(): forks upload chunks, nothing to journal
};

}  // namespace ic
