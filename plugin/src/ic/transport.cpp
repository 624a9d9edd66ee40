#include "ic/transport.hpp"

#include <curl/curl.h>

#include <array>
#include <mutex>
#include <thread>

#include "ic/error.hpp"

namespace ic {

namespace {

struct GlobalInit {
    GlobalInit() { curl_global_init(CURL_GLOBAL_DEFAULT); }
    ~GlobalInit() { curl_global_cleanup(); }
};

void ensure_curl_initialised() { static GlobalInit init; }

// Where a response body is collected: the handle tells its Content-Length once the headers are in.
struct Sink {
    CURL* handle = nullptr;
    Bytes* body = nullptr;
};

// The IC's largest answers (a 2 MB snapshot slice, a certified reply holding it) are known in size
// up front: reserving it once keeps the body from growing by doubling, which held up to three
// times its size (the old and new buffers at once) for every slice in flight.
constexpr curl_off_t max_reserved_body = 64 * 1024 * 1024;

size_t collect(char* data, size_t size, size_t count, void* userdata) {
    auto* sink = static_cast<Sink*>(userdata);
    if (sink->body->empty()) {
        curl_off_t length = -1;
        if (curl_easy_getinfo(sink->handle, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length) ==
                CURLE_OK &&
            length > 0 && length <= max_reserved_body) {
            sink->body->reserve(static_cast<std::size_t>(length));
        }
    }
    sink->body->insert(sink->body->end(), data, data + size * count);
    return size * count;
}

struct Url {
    std::string scheme;
    std::string host;
};

Url split_url(const std::string& url) {
    auto scheme_end = url.find("://");
    if (scheme_end == std::string::npos) {
        fail(ErrorKind::Usage,
             "network URL '" + url + "' has no scheme: use https://host or http://127.0.0.1:port");
    }
    Url out{url.substr(0, scheme_end), {}};
    std::string rest = url.substr(scheme_end + 3);
    if (rest.find('/') != std::string::npos && rest.find('/') != rest.size() - 1) {
        fail(ErrorKind::Usage,
             "network URL '" + url + "' must not have a path: give scheme://host[:port]");
    }
    if (!rest.empty() && rest.back() == '/') rest.pop_back();
    if (rest.find('@') != std::string::npos) {
        fail(ErrorKind::Usage, "network URL '" + url + "' must not carry user information");
    }
    if (!rest.empty() && rest.front() == '[') {
        auto close = rest.find(']');
        if (close == std::string::npos)
            fail(ErrorKind::Usage, "network URL '" + url + "' has an unterminated IPv6 address");
        out.host = rest.substr(1, close - 1);
    } else {
        out.host = rest.substr(0, rest.find(':'));
    }
    if (out.host.empty()) fail(ErrorKind::Usage, "network URL '" + url + "' has no host");
    return out;
}

bool retryable_status(long status) { return status == 429 || (status >= 500 && status <= 599); }

}  // namespace

bool is_loopback_host(std::string_view host) {
    if (host == "localhost" || host == "::1") return true;
    if (!host.starts_with("127.")) return false;
    int dots = 0;
    for (char c : host) {
        if (c == '.')
            ++dots;
        else if (c < '0' || c > '9')
            return false;
    }
    return dots == 3;
}

struct Transport::Curl {
    CURL* handle = nullptr;
    ~Curl() {
        if (handle) curl_easy_cleanup(handle);
    }
};

// libcurl's share interface: one connection cache (and DNS and TLS session cache) for all the
// handles of one helper run, each kind of data behind a lock of its own.
struct Transport::Pool {
    CURLSH* share = nullptr;
    std::array<std::mutex, CURL_LOCK_DATA_LAST> locks;

    Pool() {
        ensure_curl_initialised();
        share = curl_share_init();
        if (!share) fail(ErrorKind::Network, "libcurl could not create a connection pool");
        curl_share_setopt(share, CURLSHOPT_LOCKFUNC, lock);
        curl_share_setopt(share, CURLSHOPT_UNLOCKFUNC, unlock);
        curl_share_setopt(share, CURLSHOPT_USERDATA, this);
        curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT);
        curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
        curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
    }
    ~Pool() { curl_share_cleanup(share); }
    Pool(const Pool&) = delete;
    Pool& operator=(const Pool&) = delete;

    static void lock(CURL*, curl_lock_data data, curl_lock_access, void* self) {
        static_cast<Pool*>(self)->locks[static_cast<std::size_t>(data)].lock();
    }
    static void unlock(CURL*, curl_lock_data data, void* self) {
        static_cast<Pool*>(self)->locks[static_cast<std::size_t>(data)].unlock();
    }
};

Transport::Transport(std::string base_url, TransportOptions options)
    : base_url_(std::move(base_url)),
      options_(options),
      pool_(std::make_shared<Pool>()),
      curl_(std::make_unique<Curl>()) {
    while (!base_url_.empty() && base_url_.back() == '/') base_url_.pop_back();
    Url url = split_url(base_url_);
    loopback_ = is_loopback_host(url.host);
    if (url.scheme != "https" && url.scheme != "http") {
        fail(ErrorKind::Usage,
             "network URL '" + base_url_ + "' must use https:// (or http:// on loopback)");
    }
    if (url.scheme == "http" && !loopback_) {
        fail(ErrorKind::Usage,
             "refusing plain http:// to '" + url.host +
                 "': only loopback replicas may be reached without TLS; use https://");
    }
    ensure_curl_initialised();
    curl_->handle = curl_easy_init();
    if (!curl_->handle) fail(ErrorKind::Network, "libcurl could not create a handle");
}

Transport Transport::fork() const {
    Transport copy(base_url_, options_);
    copy.pool_ = pool_;
    return copy;
}

Transport::~Transport() = default;
Transport::Transport(Transport&&) noexcept = default;
Transport& Transport::operator=(Transport&&) noexcept = default;

HttpResponse Transport::get(std::string_view path) { return exchange(path, nullptr); }

HttpResponse Transport::post_cbor(std::string_view path, ByteView body) {
    return exchange(path, &body);
}

HttpResponse Transport::exchange(std::string_view path, const ByteView* body) {
    std::string url = base_url_ + std::string(path);
    std::chrono::milliseconds backoff = options_.initial_backoff;
    std::string last_problem;
    for (int attempt = 1; attempt <= options_.max_attempts; ++attempt) {
        CURL* h = curl_->handle;
        curl_easy_reset(h);
        HttpResponse response;
        Sink sink{h, &response.body};
        curl_easy_setopt(h, CURLOPT_URL, url.c_str());
        curl_easy_setopt(h, CURLOPT_SHARE, pool_->share);
        curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
                         static_cast<long>(options_.connect_timeout.count()));
        curl_easy_setopt(h, CURLOPT_TIMEOUT_MS,
                         static_cast<long>(options_.request_timeout.count()));
        curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
        curl_easy_setopt(h, CURLOPT_WRITEDATA, &sink);
        curl_easy_setopt(h, CURLOPT_USERAGENT, "juno-helper/0.1");
        // Proxies from the environment would route loopback traffic elsewhere.
        if (loopback_) curl_easy_setopt(h, CURLOPT_NOPROXY, "*");
        struct curl_slist* headers = nullptr;
        if (body) {
            headers = curl_slist_append(headers, "Content-Type: application/cbor");
            // libcurl asks for "100 Continue" before a body over 1 MiB (a chunk upload): on a
            // boundary node that costs a round trip, or a 1 s wait, per request, and the IC's
            // interface never refuses a body unread. An empty header turns it off.
            headers = curl_slist_append(headers, "Expect:");
            curl_easy_setopt(h, CURLOPT_POST, 1L);
            curl_easy_setopt(h, CURLOPT_POSTFIELDS, body->data());
            curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body->size()));
        }
        curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
        CURLcode rc = curl_easy_perform(h);
        curl_slist_free_all(headers);
        if (rc == CURLE_OK) {
            curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &response.status);
            if (!retryable_status(response.status) || attempt == options_.max_attempts) {
                return response;
            }
            last_problem = "HTTP " + std::to_string(response.status);
        } else {
            last_problem = curl_easy_strerror(rc);
            bool retryable = rc == CURLE_COULDNT_CONNECT || rc == CURLE_RECV_ERROR ||
                             rc == CURLE_SEND_ERROR || rc == CURLE_GOT_NOTHING ||
                             rc == CURLE_OPERATION_TIMEDOUT || rc == CURLE_PARTIAL_FILE ||
                             rc == CURLE_COULDNT_RESOLVE_HOST;
            if (!retryable) {
                fail(ErrorKind::Network, "cannot reach " + base_url_ + ": " + last_problem);
            }
        }
        if (attempt < options_.max_attempts) {
            std::this_thread::sleep_for(backoff);
            backoff = std::min(backoff * 2, options_.max_backoff);
        }
    }
    fail(ErrorKind::Network, "cannot reach " + base_url_ + " after " +
                                 std::to_string(options_.max_attempts) +
                                 " attempts: " + last_problem);
}

}  // namespace ic
