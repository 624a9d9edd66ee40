// HTTP to a replica or boundary node (libcurl), with the retry rules of the IC interface:
// 429, 5xx and connection failures are retried with bounded backoff, because re-sending the same
// signed request is safe (the IC deduplicates by request id).
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "ic/bytes.hpp"

namespace ic {

struct TransportOptions {
    std::chrono::milliseconds connect_timeout{10'000};
    std::chrono::milliseconds request_timeout{120'000};  // one HTTP exchange
    int max_attempts = 7;                                // first try + retries
    std::chrono::milliseconds initial_backoff{250};
    std::chrono::milliseconds max_backoff{4'000};
};

struct HttpResponse {
    long status = 0;
    Bytes body;

    std::string body_text() const { return std::string(body.begin(), body.end()); }
};

class Transport {
public:
    // `base_url` is scheme://host[:port] with no trailing path. Throws ic::Error (Usage) for
    // anything else, and for http:// to a host that is not loopback: requests would travel in
    // clear and replies could be forged on the way.
    Transport(std::string base_url, TransportOptions options = {});
    // A second transport for another thread, to the same URL: its own handle, but connections,
    // DNS answers and TLS sessions come from one pool, so side-by-side calls and calls in series
    // on any of them reuse what an earlier one opened.
    Transport fork() const;
    ~Transport();
    Transport(Transport&&) noexcept;
    Transport& operator=(Transport&&) noexcept;

    HttpResponse get(std::string_view path);
    HttpResponse post_cbor(std::string_view path, ByteView body);

    const std::string& base_url() const { return base_url_; }
    bool is_loopback() const { return loopback_; }

private:
    HttpResponse exchange(std::string_view path, const ByteView* body);

    struct Curl;
    struct Pool;
    std::string base_url_;
    bool loopback_ = false;
    TransportOptions options_;
    std::shared_ptr<Pool> pool_;  // before curl_: a pool outlives the handles that use it
    std::unique_ptr<Curl> curl_;
};

// True for 127.0.0.0/8, ::1 and "localhost".
bool is_loopback_host(std::string_view host);

}  // namespace ic
