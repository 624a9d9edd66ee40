#include "ic/agent.hpp"

#include <openssl/rand.h>

#include <algorithm>
#include <thread>

#include "ic/error.hpp"
#include "ic/leb128.hpp"
#include "ic/request_id.hpp"
#include "ic/root_key.hpp"

namespace ic {

namespace {

constexpr std::uint64_t ns_per_second = 1'000'000'000ULL;
constexpr std::uint64_t ns_per_minute = 60 * ns_per_second;

Bytes fresh_nonce() {
    Bytes nonce(16);
    if (RAND_bytes(nonce.data(), static_cast<int>(nonce.size())) != 1) {
        fail(ErrorKind::Protocol, "OpenSSL could not produce random bytes for a nonce");
    }
    return nonce;
}

std::string text_of(const HttpResponse& response) {
    std::string text = response.body_text();
    bool printable = std::all_of(text.begin(), text.end(), [](unsigned char c) {
        return c == '\n' || c == '\t' || (c >= 0x20 && c < 0x7f) || c >= 0x80;
    });
    if (!printable) return "(" + std::to_string(response.body.size()) + " bytes of binary data)";
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    if (text.size() > 500) text = text.substr(0, 500) + "...";
    return text;
}

RejectError reject_from(const cbor::Value& map) {
    std::string error_code;
    if (const cbor::Value* code = map.find("error_code"); code && code->is_text()) {
        error_code = code->as_text();
    }
    return RejectError(map.at("reject_code").as_uint("reject_code"),
                       map.at("reject_message").as_text("reject_message"), error_code);
}

std::string leaf_text(const HashTree::LookupResult& r) {
    return std::string(r.value.begin(), r.value.end());
}

}  // namespace

Agent::Agent(Identity identity, AgentOptions options)
    : identity_(std::move(identity)),
      options_(std::move(options)),
      transport_(options_.url, options_.transport) {
    if (options_.root_key.kind == RootKeySource::Kind::Given)
        root_key_->der = options_.root_key.der;
    if (options_.root_key.kind == RootKeySource::Kind::Mainnet) root_key_->der = mainnet_root_key();
}

Agent Agent::fork() const {
    Agent copy(identity_, options_);
    copy.transport_ = transport_.fork();
    copy.root_key_ = root_key_;
    copy.clock_offset_ns_ = clock_offset_ns_;
    copy.v4_call_supported_ = v4_call_supported_;
    copy.v3_read_state_supported_ = v3_read_state_supported_;
    return copy;
}

void Agent::notice(const std::string& text) const {
    if (options_.on_notice) options_.on_notice(text);
}

const Bytes& Agent::root_key() {
    std::lock_guard lock(root_key_->mutex);
    if (!root_key_->der) root_key_->der = fetch_root_key(transport_);
    return *root_key_->der;  // set once, never changed: the reference stays valid unlocked
}

std::uint64_t Agent::now_ns() const {
    auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
    auto local = static_cast<std::int64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(since_epoch).count());
    return static_cast<std::uint64_t>(local + clock_offset_ns_);
}

std::uint64_t Agent::next_expiry() const {
    std::uint64_t expiry =
        now_ns() + static_cast<std::uint64_t>(options_.ingress_expiry.count()) * ns_per_second;
    // Rounding down to the minute keeps retried requests identical (same request id) when they
    // are signed again within the same minute; it leaves at least ttl - 1 minute of validity.
    if (options_.ingress_expiry.count() > 90) expiry -= expiry % ns_per_minute;
    return expiry;
}

Bytes Agent::sign_envelope(cbor::Map content, Hash* request_id_out, bool anonymous) {
    Hash rid = request_id(content);
    if (request_id_out) *request_id_out = rid;
    cbor::Map envelope{{"content", cbor::Value(std::move(content))}};
    if (!anonymous && !identity_.is_anonymous()) {
        envelope.emplace_back("sender_pubkey", cbor::Value(identity_.public_key_der()));
        envelope.emplace_back("sender_sig", cbor::Value(identity_.sign(signable_request(rid))));
    }
    return cbor::encode(cbor::Value(std::move(envelope)));
}

Agent::Call Agent::sign_call(const Principal& canister_id, const std::string& method,
                             const Bytes& arg) {
    Call call;
    call.expiry = next_expiry();
    cbor::Map content{
        {"request_type", cbor::Value("call")},
        {"sender", cbor::Value(identity_.sender().bytes())},
        {"canister_id", cbor::Value(canister_id.bytes())},
        {"method_name", cbor::Value(method)},
        {"arg", cbor::Value(arg)},
        {"ingress_expiry", cbor::Value(call.expiry)},
        {"nonce", cbor::Value(fresh_nonce())},
    };
    call.body = sign_envelope(std::move(content), &call.request_id);
    return call;
}

RequestState Agent::request_state(const Principal& effective_canister_id, const Hash& request_id) {
    Bytes rid(request_id.begin(), request_id.end());
    Certificate certificate = read_state(effective_canister_id, {{label("request_status"), rid}});
    auto status = certificate.lookup({label("request_status"), rid, label("status")});
    if (status.status != HashTree::LookupStatus::Found) return RequestState::Unknown;
    std::string state = leaf_text(status);
    if (state == "replied") return RequestState::Replied;
    if (state == "rejected") return RequestState::Rejected;
    if (state == "done") return RequestState::Done;
    return RequestState::Pending;
}

Certificate Agent::check(ByteView certificate_cbor, const Principal& effective_canister_id) {
    TrustAnchor anchor{root_key(), effective_canister_id, now_ns(),
                       static_cast<std::uint64_t>(options_.ingress_expiry.count()) * ns_per_second +
                           60 * ns_per_second};
    return Certificate::verify(certificate_cbor, anchor);
}

std::optional<Bytes> Agent::outcome(const Certificate& certificate, const Hash& request_id) {
    Bytes rid(request_id.begin(), request_id.end());
    auto path = [&](const char* leaf) {
        return std::vector<Bytes>{label("request_status"), rid, label(leaf)};
    };
    auto status = certificate.lookup(path("status"));
    if (status.status == HashTree::LookupStatus::Absent ||
        status.status == HashTree::LookupStatus::Unknown) {
        return std::nullopt;  // not yet known to the replica (or not in this certificate)
    }
    if (status.status != HashTree::LookupStatus::Found) {
        fail(ErrorKind::Protocol, "the certificate holds no readable request status");
    }
    std::string state = leaf_text(status);
    if (state == "received" || state == "processing") return std::nullopt;
    if (state == "replied") {
        auto reply = certificate.lookup(path("reply"));
        if (reply.status != HashTree::LookupStatus::Found) {
            fail(ErrorKind::Protocol, "the certificate says 'replied' but holds no reply");
        }
        return Bytes(reply.value.begin(), reply.value.end());
    }
    if (state == "rejected") {
        auto code = certificate.lookup(path("reject_code"));
        auto message = certificate.lookup(path("reject_message"));
        auto error_code = certificate.lookup(path("error_code"));
        if (code.status != HashTree::LookupStatus::Found ||
            message.status != HashTree::LookupStatus::Found) {
            fail(ErrorKind::Protocol, "the certificate says 'rejected' but holds no reject code");
        }
        std::size_t pos = 0;
        std::uint64_t reject_code = read_uleb128(code.value, pos);
        throw RejectError(reject_code, leaf_text(message),
                          error_code.status == HashTree::LookupStatus::Found ? leaf_text(error_code)
                                                                             : std::string());
    }
    if (state == "done") {
        fail(ErrorKind::Protocol,
             "the replica no longer holds the reply to this call (status 'done'); check the "
             "module's state before repeating it");
    }
    fail(ErrorKind::Protocol, "unknown request status '" + state + "'");
}

void Agent::sync_time(const Principal& effective_canister_id) {
    // The replica's /time is certified; trusting it over the local clock is what lets a machine
    // with a skewed clock still sign requests the IC admits. The freshness check is what fails
    // on a skewed clock, so this one certificate is checked for its signature only.
    Bytes raw = read_state_certificate(effective_canister_id, {{label("time")}}, true);
    CertificateData data = parse_certificate(raw);
    TrustAnchor anchor{root_key(), effective_canister_id, 0, 0};
    verify_signature(data, anchor);
    std::uint64_t replica_time = certificate_time(data.tree);
    auto local = std::chrono::duration_cast<std::chrono::nanoseconds>(
                     std::chrono::system_clock::now().time_since_epoch())
                     .count();
    clock_offset_ns_ = static_cast<std::int64_t>(replica_time) - local;
    notice("synchronised the request clock with the replica (offset " +
           std::to_string(clock_offset_ns_ / 1'000'000) + " ms)");
}

Bytes Agent::read_state_certificate(const Principal& effective_canister_id,
                                    const std::vector<std::vector<Bytes>>& paths, bool anonymous) {
    cbor::Array path_values;
    for (const auto& path : paths) {
        cbor::Array labels;
        for (const auto& l : path) labels.emplace_back(l);
        path_values.emplace_back(std::move(labels));
    }
    cbor::Map content{
        {"request_type", cbor::Value("read_state")},
        {"sender",
         cbor::Value(anonymous ? Principal::anonymous().bytes() : identity_.sender().bytes())},
        {"paths", cbor::Value(std::move(path_values))},
        {"ingress_expiry", cbor::Value(next_expiry())},
        {"nonce", cbor::Value(fresh_nonce())},
    };
    Bytes body = sign_envelope(std::move(content), nullptr, anonymous);
    std::string ecid = effective_canister_id.to_text();
    HttpResponse response;
    if (v3_read_state_supported_) {
        response = transport_.post_cbor("/api/v3/canister/" + ecid + "/read_state", body);
        if (response.status == 404) {
            v3_read_state_supported_ = false;
            notice("the replica has no /api/v3 read_state; using /api/v2");
        }
    }
    if (!v3_read_state_supported_) {
        response = transport_.post_cbor("/api/v2/canister/" + ecid + "/read_state", body);
    }
    if (response.status != 200) {
        throw HttpStatusError(response.status, "read_state failed with HTTP " +
                                                   std::to_string(response.status) + ": " +
                                                   text_of(response));
    }
    cbor::Value reply = cbor::decode(response.body);
    return reply.at("certificate").as_bytes("certificate");
}

Certificate Agent::read_state(const Principal& effective_canister_id,
                              const std::vector<std::vector<Bytes>>& paths) {
    return check(read_state_certificate(effective_canister_id, paths), effective_canister_id);
}

Bytes Agent::poll(const Principal& effective_canister_id, const Hash& request_id) {
    using namespace std::chrono;
    auto deadline = steady_clock::now() + options_.max_polling_time;
    milliseconds delay{500};
    Bytes rid(request_id.begin(), request_id.end());
    while (true) {
        std::this_thread::sleep_for(delay);
        Certificate certificate =
            read_state(effective_canister_id, {{label("request_status"), rid}});
        if (auto reply = outcome(certificate, request_id)) return *reply;
        if (steady_clock::now() >= deadline) {
            fail(ErrorKind::Network, "no outcome for request " + to_hex(request_id) + " after " +
                                         std::to_string(options_.max_polling_time.count()) +
                                         " s of polling; the call may still complete");
        }
        delay = std::min(milliseconds(static_cast<long>(static_cast<double>(delay.count()) * 1.4)),
                         milliseconds(1000));
    }
}

Bytes Agent::update(const Principal& canister_id, const Principal& effective_canister_id,
                    const std::string& method, const Bytes& arg) {
    std::string ecid = effective_canister_id.to_text();
    bool resynced = false;
    while (true) {
        Call call = sign_call(canister_id, method, arg);
        if (observer_) observer_(method, call.request_id, call.expiry);
        HttpResponse response;
        if (v4_call_supported_) {
            response = transport_.post_cbor("/api/v4/canister/" + ecid + "/call", call.body);
            if (response.status == 404) {
                v4_call_supported_ = false;
                notice("the replica has no /api/v4 call endpoint; using /api/v2 and polling");
            }
        }
        if (!v4_call_supported_) {
            response = transport_.post_cbor("/api/v2/canister/" + ecid + "/call", call.body);
        }
        if (response.status == 400 && !resynced &&
            response.body_text().find("Invalid request expiry") != std::string::npos) {
            resynced = true;
            sync_time(effective_canister_id);
            continue;
        }
        if (response.status == 202) return poll(effective_canister_id, call.request_id);
        if (response.status == 200) {
            // The answer (up to a 2 MB snapshot slice) is copied from the response body to its
            // CBOR, to the certificate's tree and to the bytes returned: the body is released
            // once decoded and the CBOR once the certificate is checked, not at the return, which
            // is most of a download's memory per slice in flight.
            Certificate certificate = [&] {
                cbor::Value reply = cbor::decode(response.body);
                Bytes().swap(response.body);
                const cbor::Value* status = reply.find("status");
                if (!status) throw reject_from(reply);  // v2: a non-replicated rejection
                const std::string& state = status->as_text("status");
                if (state == "non_replicated_rejection") throw reject_from(reply);
                if (state != "replied")
                    fail(ErrorKind::Protocol, "unknown call status '" + state + "'");
                return check(reply.at("certificate").as_bytes("certificate"),
                             effective_canister_id);
            }();
            // A synchronous reply certifies this request's status; one without it answers some
            // other request (a replica still working answers 202 instead).
            Bytes rid(call.request_id.begin(), call.request_id.end());
            auto status_leaf =
                certificate.lookup({label("request_status"), rid, label("status")}).status;
            if (status_leaf != HashTree::LookupStatus::Found) {
                fail(ErrorKind::Verification,
                     "the certified reply to " + method + " does not hold the status of request " +
                         to_hex(call.request_id) + "; it answers another request and is refused");
            }
            if (auto bytes = outcome(certificate, call.request_id)) return *bytes;
            return poll(effective_canister_id, call.request_id);
        }
        throw HttpStatusError(response.status, "the replica refused " + method + " with HTTP " +
                                                   std::to_string(response.status) + ": " +
                                                   text_of(response));
    }
}

}  // namespace ic
